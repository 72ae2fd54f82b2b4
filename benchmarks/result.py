from dataclasses import dataclass


@dataclass
class Result:
    name: str
    figure: str
    target: str | None = None
    ok: bool | None = None
    note: str | None = None

    def line(self) -> str:
        met = "" if self.ok is None else ("  [met]" if self.ok else "  [NOT met]")
        return f"{self.name}: {self.figure}" + (f" (target {self.target})" if self.target else "") + met
