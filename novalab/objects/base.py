"""Versioned objects: Nova's data model, and how it crosses the queue.

A Nova object knows its fields, which of them changed, and how to become a primitive
(``nova_object.name/.namespace/.version/.data/.changes``) so it can travel in an RPC message.
Methods marked ``@remotable`` touch the database. In a service that has a database they run
locally; in nova-compute, which has none, the context carries an *indirection API* and the call
becomes ``object_action`` on nova-conductor — the security boundary of the classic architecture.
"""
from __future__ import annotations

import copy
import datetime
import functools

from novalab import exception

UTC = datetime.timezone.utc
REGISTRY: dict[str, type] = {}


def isotime(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}Z"


_PARSED: dict[str, datetime.datetime] = {}      # datetimes are immutable: safe to share


def parse_isotime(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = _PARSED.get(value)
    if parsed is None:
        if len(_PARSED) > 4096:
            _PARSED.clear()
        parsed = _PARSED[value] = datetime.datetime.fromisoformat(value)   # reads "Z" (3.11)
    return parsed


_PLAIN = frozenset(("str", "int", "float", "bool"))


class NovaObject:
    """Base of every object. Subclasses declare ``fields = {"name": "type", ...}``.

    Types: ``str``, ``int``, ``float``, ``bool``, ``datetime``, ``dict``, ``list`` or the name of
    another registered object class (``"Flavor"``). Every field may be None.
    """
    VERSION = "1.0"
    OBJ_NAMESPACE = "nova"
    fields: dict[str, str] = {}
    _object_fields: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.__name__] = cls
        # Fields that may hold another object: the only ones change tracking must look into.
        cls._object_fields = tuple(name for name, kind in cls.fields.items()
                                   if kind[:1].isupper() or kind == "list")
        cls._field_items = tuple(cls.fields.items())

    def __init__(self, context=None, **values):
        object.__setattr__(self, "_context", context)
        object.__setattr__(self, "_changed_fields", set())
        for name, value in values.items():
            setattr(self, name, value)

    def __setattr__(self, name, value):
        if name in self.fields:
            self._changed_fields.add(name)
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Only reached for attributes that were never set.
        if name in type(self).fields:
            raise NotImplementedError(f"Cannot load '{name}' in the base class: "
                                      f"{type(self).__name__}.{name} was never set")
        raise AttributeError(name)

    @classmethod
    def obj_name(cls) -> str:
        return cls.__name__

    def obj_attr_is_set(self, name) -> bool:
        return name in self.__dict__

    def obj_what_changed(self) -> set[str]:
        changed = set(self._changed_fields)
        values = self.__dict__
        for name in self._object_fields:
            value = values.get(name)
            if isinstance(value, NovaObject) and value.obj_what_changed():
                changed.add(name)
        return changed

    def obj_reset_changes(self, fields=None, recursive=True):
        if fields is None:
            self._changed_fields.clear()
        else:
            self._changed_fields.difference_update(fields)
        if recursive:
            values = self.__dict__
            for name in self._object_fields if fields is None else fields:
                value = values.get(name)
                if isinstance(value, NovaObject):
                    value.obj_reset_changes()

    def obj_clone(self):
        return copy.deepcopy(self)

    def __deepcopy__(self, memo):
        # The context is shared, never copied: it holds the service's database handles.
        obj = type(self).__new__(type(self))
        memo[id(self)] = obj
        for key, value in self.__dict__.items():
            object.__setattr__(obj, key, value if key == "_context" else copy.deepcopy(value, memo))
        return obj

    def get(self, name, default=None):
        return self.__dict__.get(name, default)

    # -- primitives (what crosses the wire) ----------------------------------------------------
    def obj_to_primitive(self) -> dict:
        values, data = self.__dict__, {}
        for name, kind in self._field_items:
            if name in values:
                value = values[name]
                data[name] = value if value is None or kind in _PLAIN else _to_primitive(value, kind)
        primitive = {"nova_object.name": self.obj_name(),
                     "nova_object.namespace": self.OBJ_NAMESPACE,
                     "nova_object.version": self.VERSION,
                     "nova_object.data": data}
        if self._changed_fields:
            primitive["nova_object.changes"] = sorted(self._changed_fields)
        return primitive

    @classmethod
    def obj_from_primitive(cls, primitive: dict, context=None) -> "NovaObject":
        objcls = REGISTRY.get(primitive["nova_object.name"])
        if objcls is None:
            raise exception.NovaException(
                f"Unsupported object type {primitive['nova_object.name']}")
        obj = objcls.__new__(objcls)
        object.__setattr__(obj, "_context", context)
        object.__setattr__(obj, "_changed_fields",
                           set(primitive.get("nova_object.changes", ())))
        values, fields = obj.__dict__, objcls.fields
        for name, value in primitive["nova_object.data"].items():
            kind = fields.get(name)
            if kind is not None:
                values[name] = (value if value is None or kind in _PLAIN
                                else _from_primitive(value, kind, context))
        return obj

    def __eq__(self, other):
        return type(self) is type(other) and self.obj_to_primitive()["nova_object.data"] == \
            other.obj_to_primitive()["nova_object.data"]

    def __repr__(self):
        shown = ", ".join(f"{k}={self.__dict__[k]!r}" for k in list(self.fields)[:6]
                          if k in self.__dict__)
        return f"{type(self).__name__}({shown})"


class ObjectListBase(NovaObject):
    """A list of objects that travels as one object (``InstanceList``)."""
    fields = {"objects": "list"}

    def __init__(self, context=None, objects=None):
        super().__init__(context, objects=list(objects or []))

    def __iter__(self):
        return iter(self.objects)

    def __len__(self):
        return len(self.objects)

    def __getitem__(self, i):
        return self.objects[i]


def _to_primitive(value, kind):
    if value is None:
        return None
    if kind == "datetime":
        return isotime(value)
    if isinstance(value, NovaObject):
        return value.obj_to_primitive()
    if kind in ("dict", "list"):
        return to_primitive(value)
    return value


def _from_primitive(value, kind, context):
    if value is None:
        return None
    if kind == "datetime":
        return parse_isotime(value)
    return from_primitive(value, context)     # objects, and objects inside lists and dicts


def to_primitive(value):
    """Any argument → JSON-able primitives (objects, datetimes, tuples, nested containers)."""
    if isinstance(value, NovaObject):
        return value.obj_to_primitive()
    if isinstance(value, datetime.datetime):
        return isotime(value)
    if isinstance(value, dict):
        return {k: to_primitive(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_primitive(v) for v in value]
    return value


def from_primitive(value, context):
    if isinstance(value, dict):
        if "nova_object.name" in value:
            return NovaObject.obj_from_primitive(value, context)
        return {k: from_primitive(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [from_primitive(v, context) for v in value]
    return value


# -- remotable methods -------------------------------------------------------------------------
def remotable(fn):
    """An instance method that touches the DB: local with a DB, through conductor without."""
    @functools.wraps(fn)
    async def wrapper(self, *args, **kwargs):
        ctxt = self._context
        if ctxt is None:
            raise exception.OrphanedObjectError(method=fn.__name__, objtype=self.obj_name())
        if getattr(self, "before_remotable", None):
            self.before_remotable(ctxt, fn.__name__)
        if ctxt.indirection_api is not None:
            updates, result = await ctxt.indirection_api.object_action(
                ctxt, self, fn.__name__, list(args), kwargs)
            for name, value in updates.items():
                if name in self.fields:
                    object.__setattr__(self, name,
                                       _from_primitive(value, self.fields[name], ctxt))
            self.obj_reset_changes()
            return result
        return await fn(self, *args, **kwargs)
    wrapper.remotable = True
    return wrapper


def remotable_classmethod(fn):
    """A class method that reads the DB (``Instance.get_by_uuid``); conductor runs it for compute."""
    @functools.wraps(fn)
    async def wrapper(cls, context, *args, **kwargs):
        if context.indirection_api is not None:
            result = await context.indirection_api.object_class_action_versions(
                context, cls.obj_name(), fn.__name__, {cls.obj_name(): cls.VERSION},
                list(args), kwargs)
        else:
            result = await fn(cls, context, *args, **kwargs)
        if isinstance(result, NovaObject):
            object.__setattr__(result, "_context", context)
        return result
    wrapper.remotable = True
    return classmethod(wrapper)


class NovaObjectSerializer:
    """Turns RPC arguments into primitives and back, and rebuilds the context on arrival.

    ``attach(ctx)`` is the receiving service's hook: it gives the context that service's own
    database access (or none, in nova-compute).
    """

    def __init__(self, attach=None):
        self._attach = attach

    def serialize_entity(self, ctxt, entity):
        return to_primitive(entity)

    def deserialize_entity(self, ctxt, entity):
        return from_primitive(entity, ctxt)

    def serialize_context(self, ctxt) -> dict:
        return ctxt.to_dict()

    def deserialize_context(self, values: dict):
        from novalab.context import RequestContext
        ctxt = RequestContext.from_dict(values)
        if self._attach is not None:
            self._attach(ctxt)
        return ctxt
