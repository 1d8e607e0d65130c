#!/usr/bin/env python3
"""Drives a ViperHTTP OTA device (FieldFlash's simulator profile) with python3-requests, the way a script written
against viperhttp_ota.py would: token in X-OTA-Token or ?token=, begin/chunk/finalize/abort, {"detail": ...} errors.

Usage: requests_flow.py BASE_URL TOKEN IMAGE_FILE. Exits 0 when every check holds, 1 with the failed check otherwise."""

import hashlib
import sys

import requests

base, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
image = open(path, "rb").read()
sha = hashlib.sha256(image).hexdigest()
H = {"X-OTA-Token": token}
T = 10


def check(cond, what):
    if not cond:
        print("FAILED: " + what)
        sys.exit(1)


r = requests.get(base + "/ota/status", timeout=T)
check(r.status_code == 401 and r.json()["detail"] == "invalid ota token", "status without a token is 401 invalid ota token")
r = requests.get(base + "/ota/status", params={"token": token}, timeout=T)
check(r.status_code == 200 and r.json()["session"] is None, "status with ?token= answers, no session")

r = requests.post(base + "/ota/begin", headers=H, json={"expected_size": len(image), "expected_sha256": sha}, timeout=T)
check(r.status_code == 200 and r.json()["session"]["written_bytes"] == 0, "begin opens a session")
r = requests.post(base + "/ota/begin", headers=H, json={"expected_size": len(image)}, timeout=T)
check(r.status_code == 409 and r.json()["detail"] == "ota session already active", "a second begin is 409 session already active")

r = requests.post(base + "/ota/chunk", headers=H, params={"offset": 0}, data=b"\0" * (64 * 1024 + 1), timeout=T)
check(r.status_code == 413, "a chunk over 64 KiB is 413")
r = requests.post(base + "/ota/chunk", headers=H, params={"offset": 5}, data=image[:10], timeout=T)
check(r.status_code == 409 and "offset mismatch" in r.json()["detail"], "a chunk at the wrong offset is 409 offset mismatch")

offset = 0
while offset < len(image):
    piece = image[offset:offset + 60000]
    r = requests.post(base + "/ota/chunk", headers=H, params={"offset": offset}, data=piece, timeout=T)
    check(r.status_code == 200, "chunk at %d accepted (%d %s)" % (offset, r.status_code, r.text))
    offset += len(piece)
    check(r.json()["session"]["written_bytes"] == offset, "written_bytes follows the chunks")

r = requests.get(base + "/ota/status", headers=H, timeout=T)
s = r.json()["session"]
check(s["active"] and s["written_bytes"] == len(image) and s["expected_sha256"] == sha, "status reports the whole image held")

r = requests.post(base + "/ota/finalize", headers=H, json={"set_boot": True, "reboot": False}, timeout=T)
check(r.status_code == 200 and r.json()["ok"] is True and r.json()["sha256"] == sha, "finalize checks the SHA-256 and answers it")
r = requests.get(base + "/ota/status", headers=H, timeout=T)
check(r.json()["session"] is None and r.json()["last_result"]["sha256"] == sha, "the session ended; last_result has the image")

# A failed session stays active until aborted.
requests.post(base + "/ota/begin", headers=H, json={"expected_size": 4, "expected_sha256": "0" * 64}, timeout=T)
requests.post(base + "/ota/chunk", headers=H, params={"offset": 0}, data=b"\xe9abc", timeout=T)
r = requests.post(base + "/ota/finalize", headers=H, json={}, timeout=T)
check(r.status_code == 409 and r.json()["detail"] == "sha256 mismatch", "a wrong image is 409 sha256 mismatch")
check(requests.get(base + "/ota/status", headers=H, timeout=T).json()["active"] is True, "the failed session is still active")
r = requests.post(base + "/ota/abort", headers=H, timeout=T)
check(r.status_code == 200 and r.json()["aborted"] is True, "abort ends it")
print("OK")
