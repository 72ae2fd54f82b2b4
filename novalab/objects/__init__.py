"""Nova's versioned objects (the subset novalab's roles use), registered by class name."""
from novalab.objects.base import (NovaObject, NovaObjectSerializer, ObjectListBase,  # noqa: F401
                                  remotable, remotable_classmethod)
from novalab.objects.build_request import (BuildRequest, BuildRequestList,  # noqa: F401
                                           RequestSpec, Selection)
from novalab.objects.cell_mapping import (CELL0_UUID, CellMapping, CellMappingList,  # noqa: F401
                                          HostMapping, InstanceMapping, InstanceMappingList)
from novalab.objects.compute_node import (ComputeNode, ComputeNodeList, Service,  # noqa: F401
                                          ServiceList)
from novalab.objects.flavor import Flavor, FlavorList  # noqa: F401
from novalab.objects.instance import Instance, InstanceInfoCache, InstanceList  # noqa: F401
from novalab.objects.instance_action import InstanceAction, InstanceActionEvent  # noqa: F401
from novalab.objects.instance_fault import InstanceFault, fault_from_exc  # noqa: F401
from novalab.objects.aggregate import Aggregate, AggregateList  # noqa: F401
from novalab.objects.keypair import KeyPair, KeyPairList  # noqa: F401
from novalab.objects.quotas import Quotas  # noqa: F401
from novalab.objects.instance_group import InstanceGroup, InstanceGroupList  # noqa: F401
