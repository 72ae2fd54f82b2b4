"""How the version documents look: every version with a ``self`` link to its root."""
from __future__ import annotations


class ViewBuilder:
    def __init__(self, base_url: str):
        self.prefix = base_url.rstrip("/")

    def generate_href(self, version_id: str) -> str:
        """``v2.1`` -> ``http://host/v2.1/``; ``v2.0`` lives at ``/v2/``."""
        number = "v2.1" if version_id.startswith("v2.1") else "v2"
        return f"{self.prefix}/{number}/"

    def build_versions(self, versions: dict) -> dict:
        return {"versions": [
            {"id": v["id"], "status": v["status"], "version": v["version"],
             "min_version": v["min_version"], "updated": v["updated"],
             "links": [{"rel": "self", "href": self.generate_href(v["id"])}]}
            for _, v in sorted(versions.items())]}

    def build_version(self, version: dict) -> dict:
        """The version's own document; ``prefix`` already ends in ``/v2.1``."""
        version["links"].insert(0, {"rel": "self", "href": self.prefix + "/"})
        return {"version": version}
