#!/usr/bin/python3
"""A tiny GTK drag source for the e2e suite: a window at the top-left corner whose button
offers the paths given as arguments as text/uri-list. xdotool drags from it onto the app,
which makes a real XDND drop (the kind Tauri turns into WindowEvent::DragDrop)."""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

uris = [GLib.filename_to_uri(p, None) for p in sys.argv[1:]]

win = Gtk.Window(title="longwen-drag-source")
win.set_default_size(160, 100)
win.move(0, 0)
button = Gtk.Button(label="drag me")
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
button.drag_source_add_uri_targets()
button.connect("drag-data-get", lambda _w, _ctx, data, _info, _time: data.set_uris(uris))
button.connect("drag-end", lambda *_: GLib.timeout_add(200, Gtk.main_quit))
win.add(button)
win.connect("destroy", Gtk.main_quit)
win.connect("map-event", lambda *_: print("ready", flush=True))
win.show_all()
GLib.timeout_add_seconds(60, Gtk.main_quit)
Gtk.main()
