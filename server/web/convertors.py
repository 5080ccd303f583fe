"""Path convertors that keep what a path may carry within what the store holds, so an absurd path
is a plain 404 (no route) instead of an overflow or a length error deep in the ORM:
`{id:id}` a row id that fits a 32-bit integer, `{code:code}` a region code (GB/T 2260 digits,
at most 20), `{client_id:client_id}` an entry's id as phones make them (at most 64 characters)."""

from starlette.convertors import Convertor, register_url_convertor


class RowId(Convertor[int]):
    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("id", RowId())


class RegionCode(Convertor[str]):
    regex = "[0-9]{1,20}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class ClientId(Convertor[str]):
    regex = "[^/]{1,64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("code", RegionCode())
register_url_convertor("client_id", ClientId())


class Curated(Convertor[str]):
    """What an administrator curates on /admin/tasks: "tasks" or "apps"."""

    regex = "tasks|apps"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("curated", Curated())
