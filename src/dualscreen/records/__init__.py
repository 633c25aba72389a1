"""Read shipment records from files or stdin and validate them into Shipments."""

from dualscreen.records.shipment import canonical_name, map_record, to_shipment
from dualscreen.records.sources import InputFormat, RawRecord, read_source, sniff

__all__ = [
    "InputFormat",
    "RawRecord",
    "canonical_name",
    "map_record",
    "read_source",
    "sniff",
    "to_shipment",
]
