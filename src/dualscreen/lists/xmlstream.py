"""Stream a large list XML element by element, knowing each line, whatever the namespace."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from dualscreen.errors import ListError

_POSITION = re.compile(r":? line \d+, column \d+$")


def root_pattern(root: str) -> re.Pattern[bytes]:
    """Matches a file's first bytes when its root element is `root` (any namespace prefix-free)."""
    return re.compile(
        rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<"
        + re.escape(root.encode())
        + rb"[\s/>]",
        re.S,
    )


def events(path: Path, root: str) -> Iterator[tuple[int, str, ET.Element]]:
    """(line, "start" or "end", element), tags without their namespace. Fed line by line so an
    element's line is known for its errors: iterparse is the same pull parser, but hides the
    position. The caller clears each record once read, so the tree never grows to the file."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    seen_root = False
    try:
        with path.open("rb") as fh:
            for line, chunk in enumerate(fh, 1):
                parser.feed(chunk)
                for item in parser.read_events():
                    event, elem = item[0], item[-1]
                    if not isinstance(elem, ET.Element):
                        continue
                    if event == "start":
                        # Publishers move namespaces (OFAC, the EU both have): match local names.
                        elem.tag = elem.tag.rpartition("}")[2]
                        if not seen_root:
                            seen_root = True
                            if elem.tag != root:
                                raise ListError(
                                    f"root element is <{elem.tag}>, not <{root}>",
                                    path=path,
                                    line=line,
                                )
                    yield line, event, elem
            parser.close()
    except ET.ParseError as exc:
        message = _POSITION.sub("", str(exc))
        raise ListError(
            f"malformed or truncated XML: {message}", path=path, line=exc.position[0]
        ) from exc
    except (LookupError, ValueError) as exc:  # an encoding Python's parser does not know
        raise ListError(f"unreadable XML: {exc}", path=path) from exc
    except OSError as exc:
        raise ListError(f"cannot read list file: {exc.strerror}", path=path) from exc


def text(elem: ET.Element, path: str) -> str:
    """A child's text with its spacing tidied, or "" when absent."""
    return clean(elem.findtext(path))


def clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""
