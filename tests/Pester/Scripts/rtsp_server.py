#!/usr/bin/env python3
"""A small RTSP server for the live-source tests (GStreamer's RTSP server from Debian:
python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-ugly for x264enc).

    rtsp_server.py PORT

Serves rtsp://127.0.0.1:PORT/live on 127.0.0.1 only: a live 160x120, 10 fps test pattern encoded to
H.264 (an endless source: a looped MP4 through multifilesrc + qtdemux played once and stopped, tried
here). Prints "ready" once listening; runs until killed."""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

ENCODE = "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph264pay name=pay0 pt=96 config-interval=1"


def main():
    port = sys.argv[1]
    Gst.init(None)
    source = "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=10/1"
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(f"( {source} ! {ENCODE} )")
    factory.set_shared(True)
    server.get_mount_points().add_factory("/live", factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{port}", file=sys.stderr)
        sys.exit(1)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
