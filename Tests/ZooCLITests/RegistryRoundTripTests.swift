import Foundation
import Testing
import ZooRegistry
import ZooTestSupport

/// Push and pull through a real CNCF Distribution on loopback (no auth): digests survive, only
/// missing blobs move, skopeo copies what zoo pushed and zoo pulls skopeo's copies, and a plain
/// safetensors artifact is imported.
@Suite(.serialized) struct RegistryRoundTripTests {
    /// The registry's blobs named in a manifest list of zoo's JSON (`digest` fields, hex only).
    static func hex(_ digest: Any?) -> String { String((digest as? String ?? "").dropFirst(7)) }

    @Test(.enabled(if: TestData.has("minilm.safetensors")))
    func miniLMAndAGraftOfItsSliceKeepTheirDigestsAndTheGraftSendsOnlyItsHead() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry")
        defer { registry.stop() }
        let here = dir + "/here", there = dir + "/there"
        let original = TestData.path("minilm.safetensors")
        for s in [here, there] { #expect(try cli.run(["init", s]).status == 0) }
        #expect(try cli.run(["import", original, "minilm", "--zoo", here]).status == 0)
        #expect(try cli.run(["slice", "minilm", "--keep", "4", "--as", "minilm-backbone", "--zoo", here]).status == 0)
        #expect(try cli.run(["graft", "minilm-backbone", "--head", "dense:8", "--seed", "1", "--as", "minilm-graft", "--zoo", here]).status == 0)
        let local = try Store.open(here)
        let minilm = try local.resolve("minilm")
        let graft = try local.resolve("minilm-graft")
        let backbone = try local.resolve("minilm-backbone")

        // MiniLM in chunks of 4 MiB (its large tensors take the PATCH path), then the graft.
        let first = try cli.json(["push", "minilm", "\(registry.host)/team/minilm:v1", "--plain-http", "--chunk-size", "4M", "--zoo", here])
        #expect(first["digest"] as? String == minilm.digest.description)
        #expect((first["chunked_blobs"] as? Int ?? 0) >= 1)
        #expect(first["uploaded_blobs"] as? Int == 105)
        let before = Set(registry.blobFiles().keys)
        let second = try cli.json(["push", "minilm-graft", "\(registry.host)/team/graft:v1", "--plain-http", "--zoo", here])
        #expect(second["digest"] as? String == graft.digest.description)
        #expect(second["manifests"] as? Int == 3)
        let added = Set(registry.blobFiles().keys).subtracting(before)
        // New in the registry's storage: the head's two tensors, the graft's and the slice's
        // configs, and their two manifests. No tensor of MiniLM was stored again.
        let graftManifest = try local.manifest(of: graft)
        let backboneManifest = try local.manifest(of: backbone)
        let minilmLayers = Set(try local.manifest(of: minilm).layers.map(\.digest.hex))
        let headLayers = Set(graftManifest.layers.map(\.digest.hex)).subtracting(minilmLayers)
        #expect(headLayers.count == 2)
        let expected = headLayers.union([graftManifest.config.digest.hex, backboneManifest.config.digest.hex,
                                         graft.digest.hex, backbone.digest.hex])
        #expect(added == expected, "registry storage gained \(added.sorted()), expected \(expected.sorted())")
        #expect(added.isDisjoint(with: minilmLayers))
        #expect(second["uploaded_blobs"] as? Int == 4)
        #expect(second["mounted_blobs"] as? Int == 105)

        // Into an empty store: the graft first (its lineage comes along), then MiniLM itself.
        let pulled = try cli.json(["pull", "\(registry.host)/team/graft:v1", "--plain-http", "--zoo", there])
        let version = pulled["version"] as? [String: Any]
        #expect(version?["digest"] as? String == graft.digest.description)
        #expect(version?["name"] as? String == "graft")
        #expect((pulled["parents"] as? [Any])?.count == 2)
        let lineage = try cli.run(["lineage", "graft", "--zoo", there])
        #expect(lineage.status == 0)
        #expect(lineage.stdout.contains("head=dense:8") && lineage.stdout.contains("slice") && lineage.stdout.contains("import"))
        let again = try cli.json(["pull", "\(registry.host)/team/minilm:v1", "--plain-http", "--zoo", there])
        #expect((again["version"] as? [String: Any])?["digest"] as? String == minilm.digest.description)
        #expect(again["fetched_blobs"] as? Int == 0, "MiniLM's blobs came with the graft's lineage")
        let exported = dir + "/minilm-out.safetensors"
        #expect(try cli.run(["export", "minilm", exported, "--zoo", there]).status == 0)
        #expect(FileManager.default.contentsEqual(atPath: exported, andPath: original))
        let report = try Store.open(there).verify()
        #expect(report.ok, "\(report.problems)")
        // A repeated pull adds no version.
        let repeated = try cli.json(["pull", "\(registry.host)/team/minilm:v1", "--plain-http", "--zoo", there])
        #expect(repeated["new"] as? Bool == false)
        #expect(try Store.open(there).list().filter { $0.name == "minilm" }.count == 1)
    }

    @Test func skopeoCopiesAPushedModelAndZooPullsTheCopies() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry")
        defer { registry.stop() }
        let here = dir + "/here", file = dir + "/m.safetensors"
        try StoreCLI.makeSafetensors([file], seeds: [3], tensors: 3, rows: 64, cols: 32)
        #expect(try cli.run(["init", here]).status == 0)
        #expect(try cli.run(["import", file, "m", "--zoo", here]).status == 0)
        let digest = try Store.open(here).resolve("m").digest.description
        let host = registry.host
        #expect(try cli.run(["push", "m", "\(host)/team/m:v1", "--plain-http", "--zoo", here]).status == 0)

        // Registry to registry, and registry to an OCI layout and back.
        try RegistryCLI.skopeo(["copy", "--src-tls-verify=false", "--dest-tls-verify=false", "docker://\(host)/team/m:v1", "docker://\(host)/other/copy:v1"])
        let layout = dir + "/layout"
        try RegistryCLI.skopeo(["copy", "--src-tls-verify=false", "docker://\(host)/team/m:v1", "oci:\(layout):v1"])
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout + "/index.json"))) as? [String: Any]
        let entries = index?["manifests"] as? [[String: Any]] ?? []
        #expect(entries.count == 1 && entries.first?["digest"] as? String == digest, "skopeo's layout holds \(entries)")
        // The layout is an OCI layout zoo can check: every blob file has its digest.
        let check = try cli.run(["verify", "--zoo", layout])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        try RegistryCLI.skopeo(["copy", "--dest-tls-verify=false", "oci:\(layout):v1", "docker://\(host)/from/layout:v1"])

        for (i, source) in ["other/copy:v1", "from/layout:v1"].enumerated() {
            let store = dir + "/s\(i)"
            #expect(try cli.run(["init", store]).status == 0)
            let pulled = try cli.json(["pull", "\(host)/\(source)", "--plain-http", "--zoo", store])
            #expect((pulled["version"] as? [String: Any])?["digest"] as? String == digest)
            let out = dir + "/out\(i).safetensors"
            #expect(try cli.run(["export", pulled["version"].flatMap { ($0 as? [String: Any])?["name"] as? String } ?? "", out, "--zoo", store]).status == 0)
            #expect(FileManager.default.contentsEqual(atPath: out, andPath: file))
        }
    }

    @Test func aPlainSafetensorsArtifactIsImported() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry")
        defer { registry.stop() }
        let file = dir + "/weights.safetensors"
        try StoreCLI.makeSafetensors([file], seeds: [9], tensors: 2, rows: 16, cols: 8)
        // Pushed with Python's urllib, as ORAS (`oras push host/repo:tag weights.safetensors`) and
        // a CNCF ModelPack tool lay the artifact out: the file as the one layer, titled.
        let script = """
        import hashlib, json, sys, urllib.request
        host, path = sys.argv[1], sys.argv[2]
        data = open(path, "rb").read()
        def put_blob(repo, body):
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            r = urllib.request.urlopen(urllib.request.Request(f"http://{host}/v2/{repo}/blobs/uploads/", method="POST", data=b""))
            loc = r.headers["Location"]
            loc += ("&" if "?" in loc else "?") + "digest=" + digest
            urllib.request.urlopen(urllib.request.Request(loc, method="PUT", data=body, headers={"Content-Type": "application/octet-stream"}))
            return {"digest": digest, "size": len(body)}
        for repo, tag, layer_type, config_type, config, artifact in [
            ("oras/weights", "v1", "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.empty.v1+json", b"{}", None),
            ("modelpack/weights", "v1", "application/vnd.cncf.model.weight.v1.raw", "application/vnd.cncf.model.config.v1+json",
             json.dumps({"descriptor": {"name": "weights"}, "modelfs": {"type": "layers", "diffIds": []}, "config": {"format": "safetensors"}}).encode(),
             "application/vnd.cncf.model.manifest.v1+json"),
        ]:
            layer = put_blob(repo, data)
            layer.update({"mediaType": layer_type, "annotations": {"org.opencontainers.image.title": "weights.safetensors"}})
            cfg = put_blob(repo, config)
            cfg["mediaType"] = config_type
            manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": cfg, "layers": [layer]}
            if artifact: manifest["artifactType"] = artifact
            urllib.request.urlopen(urllib.request.Request(f"http://{host}/v2/{repo}/manifests/{tag}", method="PUT",
                data=json.dumps(manifest).encode(), headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"}))
        """
        try TestTool.run("/usr/bin/env", ["python3", "-c", script, registry.host, file])
        let store = dir + "/store"
        #expect(try cli.run(["init", store]).status == 0)
        for repo in ["oras/weights", "modelpack/weights"] {
            let name = repo.split(separator: "/").first.map(String.init) ?? ""
            let pulled = try cli.json(["pull", "\(registry.host)/\(repo):v1", "--as", name, "--plain-http", "--zoo", store])
            #expect(pulled["imported"] as? String == "weights.safetensors")
            let out = dir + "/\(name).safetensors"
            #expect(try cli.run(["export", name, out, "--zoo", store]).status == 0)
            #expect(FileManager.default.contentsEqual(atPath: out, andPath: file))
            let lineage = try cli.run(["lineage", name, "--zoo", store])
            #expect(lineage.stdout.contains("source=weights.safetensors"), "\(lineage.stdout)")
        }
        #expect(try Store.open(store).verify().ok)
        // What zoo cannot take is refused with the reason, and nothing is added.
        let script2 = """
        import json, sys, urllib.request
        host = sys.argv[1]
        idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []}
        urllib.request.urlopen(urllib.request.Request(f"http://{host}/v2/multi/arch/manifests/v1", method="PUT",
            data=json.dumps(idx).encode(), headers={"Content-Type": "application/vnd.oci.image.index.v1+json"}))
        """
        try TestTool.run("/usr/bin/env", ["python3", "-c", script2, registry.host])
        let refused = try cli.run(["pull", "\(registry.host)/multi/arch:v1", "--plain-http", "--zoo", store])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is an index"))
        #expect(try Store.open(store).list().count == 2)
    }

    @Test func badReferencesAreUsageErrorsAndAnUnreachableRegistryIsANetworkError() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let store = dir + "/store"
        #expect(try cli.run(["init", store]).status == 0)
        for args in [["pull", "http://127.0.0.1:5000/team/m"], ["pull", "127.0.0.1:5000"], ["pull", "127.0.0.1:5000/Team/M"],
                     ["pull", "127.0.0.1:99999/team/m"], ["push", "m", "127.0.0.1:5000/team/m@sha256:abc"],
                     ["pull", "127.0.0.1:5000/team/m", "--as", "m:3"], ["login", "127.0.0.1:5000/x"]] {
            let r = try cli.run(args + ["--zoo", store].filter { _ in args[0] != "login" })
            #expect(r.status == 64, "zoo \(args.joined(separator: " ")): \(r.status) \(r.stderr)")
        }
        let port = try RegistryServer.freePort()
        let r = try cli.run(["pull", "127.0.0.1:\(port)/team/m:v1", "--plain-http", "--zoo", store])
        #expect(r.status == 75, "\(r.stderr)")
        #expect(r.stderr.contains("cannot reach") && r.stderr.contains("connection refused"), "\(r.stderr)")
        // A registry that is up but lacks the repository: status 1, saying what is missing.
        let registry = try RegistryServer(directory: dir + "/registry")
        defer { registry.stop() }
        let missing = try cli.run(["pull", "\(registry.host)/team/none:v1", "--plain-http", "--zoo", store])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("has no manifest v1"), "\(missing.stderr)")
        #expect(try Store.open(store).list().isEmpty)
    }
}
