"""moto's server with one fix: `/moto-api/data.json` must survive multipart uploads.

moto 5.2.5 serialises every S3 key for data.json, including the parts of multipart uploads,
whose `bucket_name` is empty; reading their `status` looks the bucket up and raises, so the
whole dump answers 500 — and with it the only way to read the e-mails the app sent. The fix
answers "no status" for such keys. Used by the local stack and the integration tests.
"""

from __future__ import annotations

import sys


def patch_moto() -> None:
    from moto.s3 import models
    from moto.s3.exceptions import MissingBucket

    original = models.FakeKey.status
    if getattr(original.fget, "_passerelle_patched", False):
        return

    def status(self):
        try:
            return original.fget(self)
        except MissingBucket:
            return None

    status._passerelle_patched = True
    models.FakeKey.status = property(status, original.fset)


def main() -> None:
    patch_moto()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
