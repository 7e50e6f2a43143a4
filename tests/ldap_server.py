"""A real OpenLDAP server (Debian's slapd) for a test: its own configuration and database in a
temporary folder, on a free loopback port, loaded with `slapadd` before it starts. `./manage.sh
test` installs slapd; without it the directory tests are skipped."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.smtp import free_port

SLAPD, SLAPADD = Path("/usr/sbin/slapd"), Path("/usr/sbin/slapadd")
SCHEMA = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
SUFFIX = "dc=university,dc=kz"
PEOPLE = f"ou=people,{SUFFIX}"
SERVICE_DN, SERVICE_PASSWORD = f"cn=biliktilik,ou=services,{SUFFIX}", "service-secret"

CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
modulepath {modules}
moduleload back_mdb
pidfile {root}/slapd.pid
access to attrs=userPassword by anonymous auth by self write by * none
access to * by dn.exact="{service}" read by self read by * none
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "cn=admin,{suffix}"
directory {root}/db
"""

ENTRIES = """\
dn: {suffix}
objectClass: dcObject
objectClass: organization
o: University
dc: university

dn: ou=services,{suffix}
objectClass: organizationalUnit
ou: services

dn: {service}
objectClass: person
cn: biliktilik
sn: service
userPassword: {service_password}

dn: {people}
objectClass: organizationalUnit
ou: people
"""

PERSON = """
dn: uid={uid},{people}
objectClass: inetOrgPerson
uid: {uid}
cn: {name}
sn: {name}
mail: {mail}
employeeNumber: {number}
userPassword: {password}
"""


@dataclass(frozen=True)
class DirectoryUser:
    uid: str
    name: str
    mail: str
    number: str
    password: str


@dataclass(frozen=True)
class LdapServer:
    url: str

    def config(self) -> dict[str, object]:
        """The app's settings for this directory (app/config.py reads the same from the environment)."""
        return {
            "LDAP_URL": self.url,
            "LDAP_BASE_DN": PEOPLE,
            "LDAP_USER_FILTER": "(|(uid={login})(mail={login}))",
            "LDAP_NUMBER_ATTRIBUTE": "employeeNumber",
            "LDAP_EMAIL_ATTRIBUTE": "mail",
            "LDAP_BIND_DN": SERVICE_DN,
            "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "LDAP_TIMEOUT_SECONDS": 5,
            "LDAP_KEEP_LOCAL_PASSWORDS": False,
        }


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd stopped: {process.stderr.read().decode() if process.stderr else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("slapd did not start listening")


def start_slapd(root: Path, users: list[DirectoryUser]) -> Iterator[LdapServer]:
    if not SLAPD.exists() or not SLAPADD.exists():
        pytest.skip("Debian's slapd is not installed (./manage.sh test installs it)")
    (root / "db").mkdir(parents=True)
    names = {"suffix": SUFFIX, "service": SERVICE_DN, "service_password": SERVICE_PASSWORD, "people": PEOPLE}
    conf = root / "slapd.conf"
    conf.write_text(CONFIG.format(schema=SCHEMA, modules=MODULES, root=root, **names))
    ldif = ENTRIES.format(**names) + "".join(PERSON.format(people=PEOPLE, **u.__dict__) for u in users)
    (root / "entries.ldif").write_text(ldif)
    subprocess.run([SLAPADD, "-f", conf, "-l", root / "entries.ldif"], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(  # -d keeps it in the foreground, as a child of the test
        [SLAPD, "-d", "0", "-h", f"ldap://127.0.0.1:{port}/", "-f", conf],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process)
        yield LdapServer(f"ldap://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
