"""Log filter that masks anything shaped like a NIR, as a last line of defence."""

import logging
import re

# 13 or 15 characters: sex digit, then digits with an optional Corsican 2A/2B, with or
# without spaces. Deliberately broad: a false positive only masks a number in a log.
NIR_PATTERN = re.compile(r"(?<![0-9A-Za-z])[1-478](?:[ ]?[0-9AB]){12}(?:[ ]?[0-9]{2})?(?![0-9])")
MASK = "[NIR masqué]"


def mask_nir(text: str) -> str:
    return NIR_PATTERN.sub(MASK, text)


class MaskNirFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_nir(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks carry exception texts, which may quote a value: render now, masked.
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, mask_nir(formatted)
        return True
