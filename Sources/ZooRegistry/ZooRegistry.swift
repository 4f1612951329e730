// The model store (OCI image layout); see ../shared/design/ARCHITECTURE.md, "The store".
