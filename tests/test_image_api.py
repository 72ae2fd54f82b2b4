"""The Glance v2 subset clients use: discovery, list with filters, show, 404."""
import webob

from novalab.image import ImageAPI
from novalab.image.api import ImageApp
from novalab.trace import Trace


def make():
    images = ImageAPI(Trace(), lambda: "unused")
    a = images.create("cirros", image_id="11111111-1111-4111-8111-111111111111",
                      properties={"hw_architecture": "x86_64"})
    b = images.create("ubuntu", image_id="22222222-2222-4222-8222-222222222222",
                      properties={"hypervisor_type": "qemu"})
    return ImageApp(images), a, b


def get(app, path):
    return webob.Request.blank(path).get_response(app)


def test_versions_and_list_filters():
    app, cirros, ubuntu = make()
    assert get(app, "/").status_code == 300
    assert get(app, "/versions").json["versions"][0]["id"] == "v2.16"
    assert [i["name"] for i in get(app, "/v2/images").json["images"]] == ["cirros", "ubuntu"]
    assert [i["id"] for i in get(app, "/v2/images?name=ubuntu").json["images"]] == [ubuntu["id"]]
    both = get(app, f"/v2/images?id=in:{cirros['id']},{ubuntu['id']}").json["images"]
    assert sorted(i["name"] for i in both) == ["cirros", "ubuntu"]


def test_show_flattens_properties_and_unknown_is_404():
    app, cirros, ubuntu = make()
    shown = get(app, f"/v2/images/{ubuntu['id']}").json
    assert shown["hypervisor_type"] == "qemu" and shown["status"] == "active"
    assert shown["self"] == f"/v2/images/{ubuntu['id']}" and shown["disk_format"] == "qcow2"
    assert get(app, "/v2/images/nope").status_code == 404


def test_traced_app_records_one_http_event_with_status_and_no_body():
    from novalab.trace import TracedApp
    app, cirros, _ = make()
    trace = Trace()
    traced = TracedApp(app, trace, "image")
    assert webob.Request.blank(f"/v2/images/{cirros['id']}").get_response(traced).status_code == 200
    assert webob.Request.blank("/v2/images/nope").get_response(traced).status_code == 404
    assert [(e.kind, e.src, e.dst, e.name, e.detail) for e in trace] == [
        ("http", "user", "image", f"GET /v2/images/{cirros['id']}", {"status": 200}),
        ("http", "user", "image", "GET /v2/images/nope", {"status": 404})]
