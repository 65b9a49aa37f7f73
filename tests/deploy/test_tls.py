"""TLS on loopback with a self-signed certificate: the rendered nginx configuration for an app
with a domain (set-domain, install-ssl), checked by testssl.sh, graded by the MDN HTTP
Observatory's scanner (its npm package; it scans ports 80 and 443 only, so nginx takes them
when it can), and each of the Observatory's rules checked on the responses of several pages."""

import json
import os
import re
import socket
import subprocess
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.conftest import service_missing
from tests.deploy.live import Deployment, database_url
from tests.deploy.support import BASE_DIR, self_signed_certificate, tool_required

DOMAIN = "localhost"
# Findings a self-signed certificate on loopback always has, whatever nginx's configuration:
# no revocation information (CRL/OCSP), no CAA record in DNS.
# The processes read the test database, which exists once a test asks for it.
pytestmark = pytest.mark.django_db

CONNECT_PROBLEM = "connect problem"
CERTIFICATE_ONLY = {"cert_revocation", "cert_crlDistributionPoints", "cert_ocspURL", "DNS_CAArecord"}


@pytest.fixture(scope="module")
def secure_site(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> Iterator[Deployment]:
    """The app at https://localhost:PORT/ (two of its Daphne processes, nginx)."""
    queue = f"deploy-tls-{uuid.uuid4().hex[:8]}"
    root = tmp_path_factory.mktemp("tls") / "root"
    deployment = Deployment(
        root,
        {
            "DATABASE_URL": database_url(settings.DATABASES["default"]),
            **({"REDIS_URL": settings.REDIS_URL} if settings.REDIS_URL else {}),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "STREAM_REDIS_CHANNEL": queue,
            "LOG_FORMAT": "console",
        },
    )
    # The Observatory's scanner knows no other ports than 80 and 443.
    deployment.standard_ports = standard_ports_free()
    if deployment.standard_ports:
        deployment.http_port, deployment.https_port = 80, 443
    self_signed_certificate(root / "etc/letsencrypt/live" / DOMAIN, DOMAIN)
    try:
        deployment.render(("init-server",), ("set-domain", DOMAIN), ("install-ssl", DOMAIN))
        deployment.daphne_start(deployment.ports[:2])
        deployment.nginx_start()
        yield deployment
    finally:
        deployment.stop()


def standard_ports_free() -> bool:
    for port in (80, 443):
        with socket.socket() as probe:
            # As nginx binds: connections of an earlier run still in TIME_WAIT do not count.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:  # taken, or not root
                return False
    return True


def https(site: Deployment, path: str = "/", **kwargs) -> requests.Response:
    certificate = site.root / "etc/letsencrypt/live" / DOMAIN / "fullchain.pem"
    return requests.get(
        f"https://{DOMAIN}:{site.https_port}{path}", verify=str(certificate), timeout=30, **kwargs
    )


def test_testssl_finds_no_problem_with_the_mozilla_intermediate_configuration(secure_site, tmp_path):
    findings = scan_with_testssl(secure_site, tmp_path)
    # A check testssl could not make (its openssl timed out connecting on a busy machine) says
    # nothing about nginx; it is made again, and a connect problem that stays is a failure.
    for _ in range(2):
        if not any(CONNECT_PROBLEM in finding["finding"] for finding in findings):
            break
        findings = scan_with_testssl(secure_site, tmp_path)
    by_id = {finding["id"]: finding for finding in findings}
    # Only TLS 1.2 and 1.3, as Mozilla's intermediate profile says.
    offered = {
        name: by_id[name]["finding"] for name in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")
    }
    assert offered["TLS1_2"].startswith("offered"), offered
    assert offered["TLS1_3"].startswith("offered"), offered
    assert all(offered[name].startswith("not offered") for name in ("SSLv2", "SSLv3", "TLS1", "TLS1_1")), (
        offered
    )
    problems = [
        f"{finding['id']}: {finding['finding']}"
        for finding in findings
        if finding["severity"] in ("LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN")
        and finding["id"] not in CERTIFICATE_ONLY
    ]
    assert problems == []


def scan_with_testssl(site: Deployment, tmp_path: Path) -> list[dict]:
    testssl = tool_required("testssl", "testssl.sh")
    report = tmp_path / f"testssl-{uuid.uuid4().hex[:8]}.json"
    certificate = site.root / "etc/letsencrypt/live" / DOMAIN / "fullchain.pem"
    subprocess.run(
        [
            testssl,
            "--quiet",
            "--color",
            "0",
            "--warnings",
            "off",
            "--ip",
            "127.0.0.1",
            "--add-ca",
            str(certificate),
            "--jsonfile",
            str(report),
            "--protocols",
            "--std",
            "--fs",
            "--server-preference",
            "--server-defaults",
            "--vulnerable",
            f"{DOMAIN}:{site.https_port}",
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    return json.loads(report.read_text())


def test_http_redirects_to_https_on_the_same_host(secure_site):
    plain = requests.get(
        f"http://{DOMAIN}:{secure_site.http_port}/catalog/?page=2", allow_redirects=False, timeout=30
    )
    assert plain.status_code == 301
    port = "" if secure_site.https_port == 443 else f":{secure_site.https_port}"
    assert plain.headers["Location"] == f"https://{DOMAIN}{port}/catalog/?page=2"


OBSERVATORY = Path(
    os.environ.get("MDN_OBSERVATORY_DIR", BASE_DIR / ".ci/observatory/node_modules/@mdn/mdn-http-observatory")
)


def test_the_mdn_http_observatory_grades_the_site_a_plus(secure_site):
    scanner = OBSERVATORY / "src/scan.js"
    if not scanner.is_file():
        service_missing(
            f"needs the MDN HTTP Observatory's scanner at {OBSERVATORY} (npm install --prefix "
            ".ci/observatory @mdn/mdn-http-observatory, as .ci/run does) or MDN_OBSERVATORY_DIR"
        )
    if not secure_site.standard_ports:
        service_missing("the Observatory scans ports 80 and 443 only: they are taken, or this is not root")
    node = tool_required("node", "nodejs")
    certificate = secure_site.root / "etc/letsencrypt/live" / DOMAIN / "fullchain.pem"
    # scan.js itself, not the package's wrapper, which replaces NODE_EXTRA_CA_CERTS with its own.
    result = subprocess.run(
        [node, str(scanner), DOMAIN],
        env={**os.environ, "NODE_EXTRA_CA_CERTS": str(certificate)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    failed = {name: test["result"] for name, test in report["tests"].items() if not test["pass"]}
    assert failed == {}
    assert report["scan"]["grade"] == "A+", report["scan"]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/", "/catalog/", "/admin/login/", "/api/docs"])
def test_each_http_observatory_rule_passes(secure_site, path):
    response = https(secure_site, path)
    assert response.status_code == 200
    headers = response.raw.headers  # every copy of a header, not requests' joined value

    # Content Security Policy: one policy, nothing unsafe, the directives the Observatory asks for.
    (policy,) = headers.getlist("Content-Security-Policy")
    directives = csp_directives(policy)
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["default-src"] in (["'none'"], ["'self'"])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "base-uri" in directives
    assert "form-action" in directives
    # Cookies: Secure, session cookies HttpOnly, SameSite on all.
    for raw in headers.getlist("Set-Cookie") or []:
        (name, cookie), *_ = SimpleCookie(raw).items()
        assert cookie["secure"], raw
        assert cookie["samesite"], raw
        if "session" in name:
            assert cookie["httponly"], raw
    # CORS: nothing is shared with every origin.
    assert headers.get("Access-Control-Allow-Origin") != "*"
    # Referrer Policy, HSTS (at least six months), X-Content-Type-Options, framing, CORP.
    assert headers.getlist("Referrer-Policy") == ["same-origin"]
    (hsts,) = headers.getlist("Strict-Transport-Security")
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 15_552_000
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert headers.getlist("X-Frame-Options") == ["DENY"]
    assert headers.getlist("Cross-Origin-Resource-Policy") == ["same-origin"]
    assert headers.getlist("Cross-Origin-Opener-Policy") == ["same-origin"]
    # Subresource Integrity: every script comes from the site itself over HTTPS.
    for script in re.findall(r'<script[^>]*\ssrc="([^"]+)"', response.text):
        assert script.startswith("/"), script


def test_static_files_carry_the_same_headers(secure_site):
    home = https(secure_site, "/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home.text).group(1)
    static = https(secure_site, stylesheet, headers={"Accept-Encoding": "br"})
    assert static.status_code == 200
    assert static.headers["Content-Encoding"] == "br"
    assert static.headers["Strict-Transport-Security"].startswith("max-age=")
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in static.headers["Content-Security-Policy"]
