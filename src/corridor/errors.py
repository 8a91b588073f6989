"""One error type for every problem a user can fix: bad input files, options or parameters.

The CLI prints these as a single line (``error: <where>: <what>``) and exits non-zero; anything
else is a bug and keeps its traceback.
"""

# the characters str.splitlines breaks on: shown escaped, so a user's text quoted in a message
# (a CSV field holding a newline) cannot break the one line
_LINE_BREAKS = {
    c: repr(chr(c))[1:-1] for c in (0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)
}


def one_line(text: str) -> str:
    """``text`` with its line breaks escaped (``\\n``)."""
    return str(text).translate(_LINE_BREAKS)


class CorridorError(Exception):
    """A problem with the user's input, described in one line that names where it is."""

    def __init__(self, where: str, message: str):
        where, message = one_line(where), one_line(message)
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # rebuilt from (where, message), so an error raised in a worker process (the executor's
        # pool or a Dask worker) reaches the command line as the same one-line CorridorError
        return (type(self), (self.where, self.message))
