# company
