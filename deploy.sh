#!/usr/bin/env bash
# deploy.sh: install and run CineStream on a CachyOS (Arch) server under systemd, behind nginx.
#
#   sudo ./deploy.sh init-server          # packages, PostgreSQL, Valkey, nginx, the app "cinestream"
#   sudo ./deploy.sh help                 # every command
#
# Each app lives in /var/www/NAME/ with its own port range (12 Daphne processes: the first
# app 8001-8012, the second 8013-8024...), env file /etc/cinestream/NAME.env (mode 0600),
# units NAME-daphne@PORT, NAME-celery-worker, NAME-celery-beat grouped by NAME.target, and
# nginx files under /etc/nginx/cinestream/. Templates: systemd/ and nginx/ next to this script.
#
# --dry-run prints every command without running any. DEPLOY_ROOT=DIR renders every file under
# DIR instead of / (commands that change the machine itself are printed and skipped); with
# DEPLOY_VENV=DIR an existing virtualenv is linked instead of built, so the app's own steps
# (migrate, collectstatic, compilemessages) run there too. That is how tests/deploy/ runs it.
set -Eeuo pipefail
shopt -u patsub_replacement 2>/dev/null || true
umask 022

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEPLOY_ROOT=${DEPLOY_ROOT:-}
ROOT=${DEPLOY_ROOT%/}
DRY_RUN=0
PROCESSES=12
# The first app's first port (the tests move it where nothing listens).
FIRST_PORT=${DEPLOY_FIRST_PORT:-8001}
PYTHON=${PYTHON:-python3.11}
HTTP_PORT=${HTTP_PORT:-80}
HTTPS_PORT=${HTTPS_PORT:-443}
DEPLOY_VENV=${DEPLOY_VENV:-}
NGINX_MODULES_DIR=${NGINX_MODULES_DIR:-/usr/lib/nginx/modules}

WWW_DIR=$ROOT/var/www
ETC_DIR=$ROOT/etc/cinestream
SYSTEMD_DIR=$ROOT/etc/systemd/system
NGINX_DIR=$ROOT/etc/nginx
NGINX_OURS=$NGINX_DIR/cinestream
ACME_DIR=$ROOT/var/lib/cinestream-acme
LETSENCRYPT_LIVE=$ROOT/etc/letsencrypt/live
PG_DATA=$ROOT/var/lib/postgres/data
RENEW_UNIT=cinestream-certbot-renew

# Chromium carries chromedriver on Arch; Python 3.11 (the project's version) is only in the AUR.
PACMAN_PACKAGES=(base-devel git rsync openssl gettext postgresql valkey nginx nginx-mod-brotli chromium certbot)
AUR_PACKAGES=(python311)

# --- Output and running commands ------------------------------------------------

say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
  printf 'deploy.sh: %s\n' "$*" >&2
  exit 1
}
on_error() {
  local code=$? line=$1
  printf 'deploy.sh: stopped: "%s" failed with exit code %s (deploy.sh line %s)\n' \
    "$BASH_COMMAND" "$code" "$line" >&2
  exit "$code"
}
trap 'on_error $LINENO' ERR

# Runs a command; a failure stops deploy.sh naming the command and its exit code.
execute() {
  "$@" || {
    local code=$? words
    words=$(printf '%q ' "$@")
    printf 'deploy.sh: stopped: "%s" failed with exit code %s\n' "${words% }" "$code" >&2
    exit "$code"
  }
}

show() {
  printf '    $'
  printf ' %q' "$@"
  printf '\n'
}

# A command inside DEPLOY_ROOT (files, the app's own steps): runs unless --dry-run.
run() {
  show "$@"
  [ "$DRY_RUN" = 1 ] || execute "$@"
}

# A command that changes the machine itself (packages, users, services, databases):
# runs only for real, never under --dry-run or DEPLOY_ROOT.
system() {
  show "$@"
  if [ "$DRY_RUN" = 1 ]; then return 0; fi
  if [ -n "$ROOT" ]; then
    note "(skipped: DEPLOY_ROOT renders files only)"
    return 0
  fi
  execute "$@"
}

# SQL for the postgres superuser, on stdin so passwords never show in ps; printed masked.
psql_admin() {
  local database=$1 sql=$2
  show runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -d "$database"
  note "  <<< $(sed -E "s/PASSWORD '[^']*'/PASSWORD '***'/g" <<<"$sql")"
  if [ "$DRY_RUN" = 1 ] || [ -n "$ROOT" ]; then return 0; fi
  runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -d "$database" <<<"$sql"
}

CHANGED=0
# put_file DEST MODE < content: writes only when the content or mode differs.
put_file() {
  local dest=$1 mode=$2 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest" && [ "$(stat -c %a "$dest")" = "$mode" ]; then
    rm -f "$tmp"
    note "unchanged $dest"
    return 0
  fi
  if [ "$DRY_RUN" = 1 ]; then
    rm -f "$tmp"
    note "would write $dest (mode $mode)"
    return 0
  fi
  install -D -m "$mode" "$tmp" "$dest"
  rm -f "$tmp"
  CHANGED=1
  note "wrote $dest"
}

# render TEMPLATE KEY=VALUE...: the template (relative to this script) with {{KEY}} replaced.
render() {
  local template=$1 text pair key
  shift
  text=$(<"$SOURCE_DIR/$template")
  for pair in "$@"; do
    key=${pair%%=*}
    text=${text//"{{$key}}"/"${pair#*=}"}
  done
  if [[ $text =~ \{\{[A-Z_0-9]+\}\} ]]; then die "template $template: nothing given for ${BASH_REMATCH[0]}"; fi
  printf '%s\n' "$text"
}

remove_path() {
  local path
  for path in "$@"; do
    if [ -e "$path" ] || [ -L "$path" ]; then run rm -rf -- "$path"; fi
  done
}

# --- Apps ----------------------------------------------------------------------

app_name_check() {
  [[ $1 =~ ^[a-z][a-z0-9_-]{0,30}$ ]] || die "app name '$1': use lowercase letters, digits, - and _ (a letter first)"
}

# Every deployed app, by its first port.
apps_list() {
  local config
  for config in "$WWW_DIR"/*/.deploy_config; do
    [ -f "$config" ] || continue
    printf '%s %s\n' "$(sed -n 's/^PORT_FIRST=//p' "$config")" "$(basename "$(dirname "$config")")"
  done | sort -n | cut -d' ' -f2
}

# Loads NAME's .deploy_config into APP_* variables (defaults for a new app).
app_load() {
  APP_NAME=$1
  APP_DIR=$WWW_DIR/$APP_NAME
  APP_CONFIG=$APP_DIR/.deploy_config
  ENV_FILE=$ETC_DIR/$APP_NAME.env
  APP_USER=$APP_NAME
  DOMAIN=""
  SSL=0
  PORT_FIRST=""
  if [ -f "$APP_CONFIG" ]; then
    DOMAIN=$(sed -n 's/^DOMAIN=//p' "$APP_CONFIG")
    SSL=$(sed -n 's/^SSL=//p' "$APP_CONFIG")
    PORT_FIRST=$(sed -n 's/^PORT_FIRST=//p' "$APP_CONFIG")
  fi
  if [ -z "$PORT_FIRST" ]; then
    local last=$((FIRST_PORT - PROCESSES)) other port
    while read -r other; do
      [ -n "$other" ] || continue
      port=$(sed -n 's/^PORT_FIRST=//p' "$WWW_DIR/$other/.deploy_config")
      if [ "$port" -gt "$last" ]; then last=$port; fi
    done < <(apps_list)
    PORT_FIRST=$((last + PROCESSES))
  fi
  PORT_LAST=$((PORT_FIRST + PROCESSES - 1))
  APP_INDEX=$(((PORT_FIRST - FIRST_PORT) / PROCESSES))
  UPSTREAM=${APP_NAME//-/_}_daphne
  if [ -n "$DOMAIN" ]; then ROOT_PATH=""; else ROOT_PATH=/$APP_NAME; fi
}

app_config_write() {
  put_file "$APP_CONFIG" 644 <<EOF
# deploy.sh's record of this app; change it through deploy.sh (set-domain, install-ssl).
APP_NAME=$APP_NAME
PORT_FIRST=$PORT_FIRST
PORT_LAST=$PORT_LAST
DOMAIN=$DOMAIN
SSL=$SSL
EOF
}

app_ports() { seq "$PORT_FIRST" "$PORT_LAST"; }

app_units() {
  local port
  for port in $(app_ports); do printf '%s-daphne@%s.service ' "$APP_NAME" "$port"; done
  printf '%s-celery-worker.service %s-celery-beat.service' "$APP_NAME" "$APP_NAME"
}

# --- The env file: secrets kept, addresses and HTTPS set from the app's config ---------

env_get() {
  if [ -f "$1" ]; then sed -n "s/^$2=//p" "$1" | tail -n 1; fi
}

# env_put TEXT KEY VALUE [keep]: TEXT with KEY=VALUE; with keep, an existing value stays.
env_put() {
  local text=$1 key=$2 value=$3 keep=${4:-}
  if grep -q "^$key=" <<<"$text"; then
    if [ -n "$keep" ]; then
      printf '%s' "$text"
    else
      awk -v key="$key" -v line="$key=$value" 'index($0, key "=") == 1 { print line; next } { print }' <<<"$text"
    fi
  else
    printf '%s\n%s=%s' "$text" "$key" "$value"
  fi
}

env_file_write() {
  local text="" password origins hosts https
  if [ -f "$ENV_FILE" ]; then
    text=$(<"$ENV_FILE")
  else
    text="# CineStream $APP_NAME: written by deploy.sh, mode 0600. Secrets here are never overwritten;
# ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, HTTPS and FORCE_SCRIPT_NAME follow set-domain/install-ssl."
  fi
  password=$(openssl rand -hex 24)
  text=$(env_put "$text" DEBUG false keep)
  text=$(env_put "$text" SECRET_KEY "$(openssl rand -base64 60 | tr -d '\n/+=')" keep)
  text=$(env_put "$text" DATABASE_URL "postgres://$APP_NAME:$password@127.0.0.1:5432/$APP_NAME" keep)
  text=$(env_put "$text" REDIS_URL "redis://127.0.0.1:6379/$APP_INDEX" keep)
  text=$(env_put "$text" LOG_FORMAT json keep)
  text=$(env_put "$text" STREAM_SERVER_PROCESSES "$PROCESSES" keep)
  if [ -z "$DOMAIN" ]; then
    hosts="localhost,127.0.0.1,[::1]" origins="" https=false
  elif [ "$SSL" = 1 ]; then
    hosts=$DOMAIN origins=https://$DOMAIN https=true
  else
    hosts=$DOMAIN origins=http://$DOMAIN https=false
  fi
  text=$(env_put "$text" ALLOWED_HOSTS "$hosts")
  text=$(env_put "$text" CSRF_TRUSTED_ORIGINS "$origins")
  # Plain HTTP opts out of the secure defaults explicitly; install-ssl sets it back to true.
  text=$(env_put "$text" HTTPS "$https")
  text=$(env_put "$text" FORCE_SCRIPT_NAME "$ROOT_PATH")
  put_file "$ENV_FILE" 600 <<<"$text"
  system chown "$APP_USER:$APP_USER" "$ENV_FILE"
}

# --- Steps ---------------------------------------------------------------------

packages_install() {
  say "Packages (pacman): ${PACMAN_PACKAGES[*]}"
  system pacman -Syu --needed --noconfirm "${PACMAN_PACKAGES[@]}"
  say "Packages the official repositories lack (yay, as ${SUDO_USER:-the invoking user}): ${AUR_PACKAGES[*]}"
  local builder=${SUDO_USER:-}
  if [ -z "$builder" ] || [ "$builder" = root ]; then
    if [ "$DRY_RUN" = 0 ] && [ -z "$ROOT" ]; then
      die "yay builds packages as a normal user: run 'sudo ./deploy.sh init-server' from your own account"
    fi
    builder=OPERATOR
  fi
  if ! command -v yay >/dev/null; then
    system runuser -u "$builder" -- git clone https://aur.archlinux.org/yay-bin.git /tmp/yay-bin
    system runuser -u "$builder" -- sh -c 'cd /tmp/yay-bin && makepkg -si --noconfirm'
  fi
  system runuser -u "$builder" -- yay -S --needed --noconfirm "${AUR_PACKAGES[@]}"
}

postgres_init() {
  say "PostgreSQL: cluster in $PG_DATA, password authentication on TCP"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    system runuser -u postgres -- initdb --locale=C.UTF-8 --encoding=UTF8 \
      --auth-local=peer --auth-host=scram-sha-256 -D "$PG_DATA"
  else
    note "cluster exists"
  fi
  system systemctl enable --now postgresql.service
}

valkey_init() {
  say "Valkey (Redis): cache, sessions, channel layer and Celery broker on 127.0.0.1:6379"
  system systemctl enable --now valkey.service
}

# The app's own role and database; the password is the one in its env file.
database_ensure() {
  local url user password
  url=$(env_get "$ENV_FILE" DATABASE_URL)
  if [ "$DRY_RUN" = 1 ] && [ -z "$url" ]; then url="postgres://$APP_NAME:GENERATED@127.0.0.1:5432/$APP_NAME"; fi
  if [[ ! $url =~ ^postgres(ql)?://([^:@/]+):([^@/]+)@(127\.0\.0\.1|localhost)(:5432)?/([^/?]+)$ ]] \
    || [ "${BASH_REMATCH[2]}" != "$APP_NAME" ] || [ "${BASH_REMATCH[6]}" != "$APP_NAME" ]; then
    note "DATABASE_URL is not the app's own local role and database: left as it is"
    return 0
  fi
  user=${BASH_REMATCH[2]} password=${BASH_REMATCH[3]}
  say "PostgreSQL: role and database $APP_NAME (password from $ENV_FILE)"
  psql_admin postgres "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN CREATE ROLE \"$user\" LOGIN; END IF;
END \$\$;
ALTER ROLE \"$user\" LOGIN PASSWORD '$password';"
  psql_admin postgres "SELECT 'CREATE DATABASE \"$APP_NAME\" OWNER \"$user\"'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$APP_NAME')\\gexec"
  psql_admin "$APP_NAME" "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
}

code_install() {
  say "Code: $SOURCE_DIR -> $APP_DIR"
  run mkdir -p "$APP_DIR"
  if [ "$(realpath -m "$APP_DIR")" = "$(realpath "$SOURCE_DIR")" ]; then
    note "deploying from the app folder itself: nothing to copy"
  else
    # Tracked files only (.gitignore's entries are neither copied nor deleted there).
    run rsync -rlp --checksum --delete --itemize-changes --exclude=/.git --exclude=/.venv \
      --exclude=/.deploy_config --filter=':- .gitignore' "$SOURCE_DIR/" "$APP_DIR/"
  fi
  if ! id -u "$APP_USER" >/dev/null 2>&1; then
    system useradd --system --user-group --home-dir "$APP_DIR" --shell /usr/bin/nologin "$APP_USER"
  fi
  if [ -n "$DEPLOY_VENV" ]; then
    if [ "$(readlink "$APP_DIR/.venv" 2>/dev/null)" != "$DEPLOY_VENV" ]; then
      run ln -sfn "$DEPLOY_VENV" "$APP_DIR/.venv"
    fi
  else
    if [ ! -x "$APP_DIR/.venv/bin/python" ]; then system "$PYTHON" -m venv "$APP_DIR/.venv"; fi
    system "$APP_DIR/.venv/bin/pip" install --quiet --upgrade pip
    system "$APP_DIR/.venv/bin/pip" install --quiet -r "$APP_DIR/requirements.txt"
  fi
}

manage() {
  run env -i -C "$APP_DIR" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 CINESTREAM_ENV_FILE="$ENV_FILE" \
    "$APP_DIR/.venv/bin/python" manage.py "$@"
}

app_steps() {
  say "Migrations, static files, translations"
  if [ "$DRY_RUN" = 0 ] && [ ! -x "$APP_DIR/.venv/bin/python" ]; then
    note "no virtualenv at $APP_DIR/.venv (DEPLOY_ROOT without DEPLOY_VENV): app steps skipped"
    return 0
  fi
  manage migrate --noinput
  manage collectstatic --noinput -v 0
  manage compilemessages --ignore=.venv -v 0
}

units_render() {
  say "systemd units for $APP_NAME (ports $PORT_FIRST-$PORT_LAST)"
  local hardening common cpus index port
  hardening=$(render systemd/hardening.in)
  common=(APP="$APP_NAME" USER="$APP_USER" APP_DIR="$APP_DIR" ENV_FILE="$ENV_FILE" HARDENING="$hardening")
  put_file "$SYSTEMD_DIR/$APP_NAME-daphne@.service" 644 \
    <<<"$(render systemd/daphne@.service.in "${common[@]}" ROOT_PATH="$ROOT_PATH")"
  put_file "$SYSTEMD_DIR/$APP_NAME-celery-worker.service" 644 \
    <<<"$(render systemd/celery-worker.service.in "${common[@]}")"
  put_file "$SYSTEMD_DIR/$APP_NAME-celery-beat.service" 644 \
    <<<"$(render systemd/celery-beat.service.in "${common[@]}")"
  put_file "$SYSTEMD_DIR/$APP_NAME.target" 644 \
    <<<"$(render systemd/app.target.in APP="$APP_NAME" PROCESSES="$PROCESSES" UNITS="$(app_units)")"
  # The rule: the app's process k (port PORT_FIRST + k) runs on core k mod the core count.
  cpus=$(nproc)
  for port in $(app_ports); do
    index=$((port - PORT_FIRST))
    put_file "$SYSTEMD_DIR/$APP_NAME-daphne@$port.service.d/cpu.conf" 644 \
      <<<"$(render systemd/daphne-cpu.conf.in APP="$APP_NAME" INDEX="$index" PROCESSES="$PROCESSES" \
        CPUS="$cpus" CPU="$((index % cpus))")"
  done
}

renewal_render() {
  say "Certificate renewal: $RENEW_UNIT.timer (certbot renew twice a day)"
  local hardening certbot
  hardening=$(grep -v '^PrivateUsers=' "$SOURCE_DIR/systemd/hardening.in")
  certbot=$(command -v certbot || echo /usr/bin/certbot)
  put_file "$SYSTEMD_DIR/$RENEW_UNIT.service" 644 \
    <<<"$(render systemd/certbot-renew.service.in ACME_DIR="$ACME_DIR" CERTBOT="$certbot" \
      NGINX="$(command -v nginx || echo /usr/bin/nginx)" HARDENING_ROOT="$hardening")"
  put_file "$SYSTEMD_DIR/$RENEW_UNIT.timer" 644 <<<"$(render systemd/certbot-renew.timer.in)"
}

# shellcheck source=deploy/nginx.sh
source "$SOURCE_DIR/deploy/nginx.sh"
# shellcheck source=deploy/commands.sh
source "$SOURCE_DIR/deploy/commands.sh"

main "$@"
