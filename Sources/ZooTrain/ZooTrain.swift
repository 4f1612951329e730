// The trainer; see ../shared/design/ARCHITECTURE.md, "The trainer".
