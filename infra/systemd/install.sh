#!/usr/bin/env bash
# Installs a kanary distribution and these units on this machine (run as root):
#   infra/systemd/install.sh cli/target/kanary-0.1.0-SNAPSHOT.tar.gz
# then edit /etc/kanary/*.env and: systemctl enable --now kanary-broker@{1,2,3} kanary-planner \
#   kanary-executor@host-a kanary-health-watcher kanary-breach-detector
set -euo pipefail
tarball="${1:?usage: install.sh kanary-<version>.tar.gz}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
id kanary >/dev/null 2>&1 || useradd --system --home-dir /var/lib/kanary --shell /usr/sbin/nologin kanary
mkdir -p /opt/kanary /etc/kanary
tar -xzf "$tarball" -C /opt/kanary --strip-components=1
for env in "$here"/etc/*.env; do
  [[ -e /etc/kanary/$(basename "$env") ]] || install -m 0640 -g kanary "$env" /etc/kanary/
done
install -m 0644 "$here"/*.service /etc/systemd/system/
systemctl daemon-reload
echo "installed /opt/kanary and the units; edit /etc/kanary/*.env, then enable the units (see the header of this script)"
