"""One module per pane. Panes never import each other: they talk through the AppBus."""
