#!/usr/bin/env python3
"""Prints the RTCP sender reports an RTSP server sends (the stream's own clock), for the live tests.

    rtcp_probe.py URL SECONDS

A minimal RTSP client over TCP (interleaved channels 0-1): DESCRIBE, SETUP of the first media, PLAY,
then for SECONDS it reads the interleaved packets and prints one JSON line per sender report (RTCP
packet type 200): {"ntp": <sender's wall clock, Unix seconds>, "rtp": <RTP time it maps to>,
"received": <this machine's clock, Unix seconds>}. Standard library only."""
import json
import re
import socket
import struct
import sys
import time

NTP_TO_UNIX = 2208988800


def main():
    url, seconds = sys.argv[1], float(sys.argv[2])
    m = re.match(r"rtsp://([^:/]+):(\d+)(/.*)?$", url)
    host, port = m.group(1), int(m.group(2))
    sock = socket.create_connection((host, port), timeout=5)
    buf = bytearray()
    cseq = 0

    def request(method, target, extra=""):
        nonlocal cseq, buf
        cseq += 1
        sock.sendall(f"{method} {target} RTSP/1.0\r\nCSeq: {cseq}\r\n{extra}\r\n".encode())
        while b"\r\n\r\n" not in buf:
            buf += sock.recv(4096)
        head, _, rest = bytes(buf).partition(b"\r\n\r\n")
        length = int((re.search(rb"(?i)content-length:\s*(\d+)", head) or [0, b"0"])[1])
        buf = bytearray(rest)
        while len(buf) < length:
            buf += sock.recv(4096)
        body, buf = bytes(buf[:length]), bytearray(buf[length:])
        return head.decode(), body.decode()

    _, sdp = request("DESCRIBE", url, "Accept: application/sdp\r\n")
    control = re.search(r"(?m)^m=video.*?^a=control:(\S+)", sdp, re.S)
    track = control.group(1) if control else ""
    target = track if track.startswith("rtsp://") else url.rstrip("/") + "/" + track
    head, _ = request("SETUP", target, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n")
    session = re.search(r"(?i)session:\s*([^;\r\n]+)", head).group(1)
    request("PLAY", url, f"Session: {session}\r\n")
    end = time.time() + seconds
    while time.time() < end:
        while len(buf) < 4:
            buf += sock.recv(65536)
        channel, length = buf[1], struct.unpack(">H", bytes(buf[2:4]))[0]
        while len(buf) < 4 + length:
            buf += sock.recv(65536)
        packet, buf = bytes(buf[4:4 + length]), buf[4 + length:]
        if channel == 1 and len(packet) >= 20 and packet[1] == 200:
            sec, frac, rtp = struct.unpack(">III", packet[8:20])
            print(json.dumps({"ntp": sec - NTP_TO_UNIX + frac / 2**32, "rtp": rtp, "received": time.time()}), flush=True)


if __name__ == "__main__":
    main()
