"""One error type for every problem a user can fix: bad input files, options or parameters.

The CLI prints these as a single line (``error: <where>: <what>``) and exits non-zero; anything
else is a bug and keeps its traceback.
"""


class CorridorError(Exception):
    """A problem with the user's input, described in one line that names where it is."""

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # rebuilt from (where, message), so an error raised in a worker process (the executor's
        # pool or a Dask worker) reaches the command line as the same one-line CorridorError
        return (type(self), (self.where, self.message))
