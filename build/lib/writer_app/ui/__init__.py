"""The Qt widgets: main window, editor, panels and dialogs."""
