# shellcheck shell=bash
# deploy.sh's commands (sourced by deploy.sh, which defines the steps they use).

usage() {
  cat <<'EOF'
Usage: sudo ./deploy.sh [--dry-run] COMMAND [ARGS]

  init-server               packages (pacman; yay for Python 3.11 from the AUR), PostgreSQL,
                            Valkey, nginx, certificate renewal, then deploy-app cinestream
  uninit-server [yes]       remove CineStream's units, nginx files, env files and app folders;
                            with "yes" also the apps' databases and nginx
  status                    every unit and port, the database, Valkey, nginx, certificate expiry
  start-all | stop-all      start or stop every app (its NAME.target)
  enable-autostart          start PostgreSQL, Valkey, nginx and every app at boot
  deploy-app NAME           install or update the app in /var/www/NAME/ (12 Daphne processes on
                            its own port range, Celery worker and beat), migrate, collectstatic
  set-domain DOMAIN [APP]   serve APP (the only app when not given) at http://DOMAIN/
  install-ssl DOMAIN        certbot certificate for DOMAIN (DNS must point here), HTTPS only,
                            automatic renewal
  logs [APP]                follow the app's logs (journalctl)
  help                      this text

--dry-run prints every command without running any. Environment: DEPLOY_ROOT=DIR renders every
file under DIR instead of /; DEPLOY_VENV=DIR links an existing virtualenv instead of building
one; HTTP_PORT/HTTPS_PORT (80/443) are nginx's ports; CERTBOT_EMAIL is given to Let's Encrypt;
NGINX_USER overrides nginx's user (http on Arch); DEPLOY_FIRST_PORT (8001) is the first app's
first port.
Without a domain the first app answers at http://localhost/NAME/ and / redirects there.
EOF
}

need_root() {
  if [ "$DRY_RUN" = 0 ] && [ -z "$ROOT" ] && [ "$(id -u)" != 0 ]; then
    die "$1 changes the system: run it with sudo (or --dry-run to see what it would do)"
  fi
}

app_pick() {
  local wanted=${1:-} apps
  if [ -n "$wanted" ]; then
    app_name_check "$wanted"
    [ -f "$WWW_DIR/$wanted/.deploy_config" ] || die "no app '$wanted' (deploy it first: deploy-app $wanted)"
    echo "$wanted"
    return 0
  fi
  mapfile -t apps < <(apps_list)
  case ${#apps[@]} in
    0) die "no app deployed yet (init-server or deploy-app NAME)" ;;
    1) echo "${apps[0]}" ;;
    *) die "several apps (${apps[*]}): name the one you mean" ;;
  esac
}

# Starts or restarts the app's units one at a time, so nginx always has processes to send to.
app_restart() {
  say "Restarting $APP_NAME's units one at a time"
  local unit
  system systemctl start "$APP_NAME.target"
  for unit in $(app_units); do system systemctl restart "$unit"; done
}

cmd_deploy_app() {
  local name=${1:-}
  [ -n "$name" ] || die "deploy-app needs the app's name: deploy-app NAME"
  app_name_check "$name"
  need_root deploy-app
  app_load "$name"
  [ "$PORT_LAST" -le 65535 ] || die "no port range left for $name"
  say "Deploying $APP_NAME to $APP_DIR (ports $PORT_FIRST-$PORT_LAST)"
  code_install
  app_config_write
  env_file_write
  database_ensure
  app_steps
  CHANGED=0
  units_render
  if [ "$CHANGED" = 1 ]; then system systemctl daemon-reload; fi
  nginx_default_render
  nginx_app_render
  app_restart
  nginx_apply
  say "$APP_NAME deployed: ${DOMAIN:+http$([ "$SSL" = 1 ] && echo s)://$DOMAIN/}${DOMAIN:-http://localhost$ROOT_PATH/}"
}

cmd_init_server() {
  need_root init-server
  packages_install
  postgres_init
  valkey_init
  nginx_main_render
  renewal_render
  system systemctl daemon-reload
  # Renews nothing until install-ssl has a certificate; then nothing more to remember.
  system systemctl enable --now "$RENEW_UNIT.timer"
  cmd_deploy_app cinestream
}

cmd_uninit_server() {
  local everything=${1:-} name
  [ -z "$everything" ] || [ "$everything" = yes ] || die "uninit-server takes only 'yes' (to drop the databases and nginx too)"
  need_root uninit-server
  while read -r name; do
    [ -n "$name" ] || continue
    app_load "$name"
    say "Removing $APP_NAME"
    system systemctl disable --now "$APP_NAME.target"
    # shellcheck disable=SC2046  # one unit name per word
    system systemctl stop $(app_units)
    remove_path "$SYSTEMD_DIR/$APP_NAME-daphne@.service" "$SYSTEMD_DIR/$APP_NAME-celery-worker.service" \
      "$SYSTEMD_DIR/$APP_NAME-celery-beat.service" "$SYSTEMD_DIR/$APP_NAME.target" "$SYSTEMD_DIR"/"$APP_NAME"-daphne@*.service.d \
      "$ENV_FILE" "$APP_DIR"
    if [ "$everything" = yes ]; then
      psql_admin postgres "DROP DATABASE IF EXISTS \"$APP_NAME\";
DROP ROLE IF EXISTS \"$APP_NAME\";"
    fi
    if id -u "$APP_USER" >/dev/null 2>&1; then system userdel "$APP_USER"; fi
  done < <(apps_list)
  say "Removing CineStream's nginx files and certificate renewal"
  if [ -f "$SYSTEMD_DIR/$RENEW_UNIT.timer" ]; then system systemctl disable --now "$RENEW_UNIT.timer"; fi
  remove_path "$SYSTEMD_DIR/$RENEW_UNIT.service" "$SYSTEMD_DIR/$RENEW_UNIT.timer" "$NGINX_OURS" "$ETC_DIR" "$ACME_DIR"
  if [ -f "$NGINX_DIR/nginx.conf.orig" ]; then
    run mv "$NGINX_DIR/nginx.conf.orig" "$NGINX_DIR/nginx.conf"
  elif grep -qs '^# Rendered by deploy.sh' "$NGINX_DIR/nginx.conf"; then
    remove_path "$NGINX_DIR/nginx.conf"
  fi
  system systemctl daemon-reload
  if [ "$everything" = yes ]; then
    say "Removing nginx"
    system systemctl disable --now nginx.service
    system pacman -Rns --noconfirm nginx nginx-mod-brotli
  elif systemctl is-active --quiet nginx.service 2>/dev/null; then
    system systemctl reload nginx.service
  fi
  say "CineStream removed"
}

port_state() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then echo listening; else echo closed; fi
}

cmd_status() {
  local name unit port state expiry cert
  while read -r name; do
    [ -n "$name" ] || continue
    app_load "$name"
    say "$APP_NAME: ${DOMAIN:-localhost$ROOT_PATH}, ports $PORT_FIRST-$PORT_LAST, $APP_DIR"
    for unit in $APP_NAME.target $(app_units); do
      state=$(systemctl is-active "$unit" 2>/dev/null) || true
      port=${unit#*@}
      port=${port%.service}
      if [[ $unit == *@* ]]; then
        printf '    %-40s %-10s port %s %s\n' "$unit" "${state:-unknown}" "$port" "$(port_state "$port")"
      else
        printf '    %-40s %s\n' "$unit" "${state:-unknown}"
      fi
    done
    if [ -n "$DOMAIN" ] && [ "$SSL" = 1 ]; then
      cert=$LETSENCRYPT_LIVE/$DOMAIN/fullchain.pem
      expiry=$(openssl x509 -enddate -noout -in "$cert" 2>/dev/null | cut -d= -f2) || expiry="unreadable ($cert)"
      note "certificate for $DOMAIN expires: $expiry"
    fi
  done < <(apps_list)
  say "Services"
  if pg_isready -q -h 127.0.0.1 2>/dev/null; then state=accepting; else state="not answering"; fi
  note "PostgreSQL 127.0.0.1:5432: $state"
  if { valkey-cli -h 127.0.0.1 ping || redis-cli -h 127.0.0.1 ping; } 2>/dev/null | grep -q PONG; then
    state=PONG
  else
    state="not answering"
  fi
  note "Valkey 127.0.0.1:6379: $state"
  note "nginx: $(systemctl is-active nginx.service 2>/dev/null || true), port $HTTP_PORT $(port_state "$HTTP_PORT")"
  note "certificate renewal: $(systemctl is-active "$RENEW_UNIT.timer" 2>/dev/null || true)"
}

cmd_start_all() {
  need_root start-all
  local name
  system systemctl start postgresql.service valkey.service
  while read -r name; do
    [ -n "$name" ] || continue
    say "Starting $name"
    system systemctl start "$name.target"
  done < <(apps_list)
  system systemctl start nginx.service
}

cmd_stop_all() {
  need_root stop-all
  local name
  while read -r name; do
    [ -n "$name" ] || continue
    say "Stopping $name (nginx, PostgreSQL and Valkey keep running)"
    system systemctl stop "$name.target"
  done < <(apps_list)
}

cmd_enable_autostart() {
  need_root enable-autostart
  local name
  say "Starting at boot: PostgreSQL, Valkey, nginx and every app"
  system systemctl enable postgresql.service valkey.service nginx.service
  while read -r name; do
    [ -n "$name" ] || continue
    system systemctl enable "$name.target"
  done < <(apps_list)
}

cmd_set_domain() {
  local domain=${1:-} name other
  [[ $domain =~ ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$ ]] \
    || die "set-domain needs a domain name: set-domain DOMAIN [APP]"
  need_root set-domain
  name=$(app_pick "${2:-}")
  while read -r other; do
    if [ -n "$other" ] && [ "$other" != "$name" ] \
      && [ "$(sed -n 's/^DOMAIN=//p' "$WWW_DIR/$other/.deploy_config")" = "$domain" ]; then
      die "$domain is already $other's domain"
    fi
  done < <(apps_list)
  app_load "$name"
  if [ "$DOMAIN" != "$domain" ]; then SSL=0; fi
  DOMAIN=$domain
  ROOT_PATH=""
  say "$APP_NAME at http://$DOMAIN/"
  app_config_write
  env_file_write
  CHANGED=0
  units_render
  if [ "$CHANGED" = 1 ]; then system systemctl daemon-reload; fi
  nginx_default_render
  nginx_app_render
  app_restart
  nginx_apply
}

# Whether DOMAIN resolves to one of this machine's addresses (or its public one, behind NAT).
dns_points_here() {
  local domain=$1 resolved mine
  resolved=$(getent ahosts "$domain" | awk '{ print $1 }' | sort -u) || true
  [ -n "$resolved" ] || die "DNS: $domain does not resolve; point its A/AAAA record at this server first"
  mine=$(ip -o addr show | awk '{ split($4, a, "/"); print a[1] }' | sort -u)
  if grep -qxF -f <(printf '%s\n' "$mine") <<<"$resolved"; then return 0; fi
  mine+=$'\n'$(curl -fsS --max-time 5 https://api.ipify.org 2>/dev/null || true)
  grep -qxF -f <(printf '%s\n' "$mine") <<<"$resolved" \
    || die "DNS: $domain resolves to $(echo "$resolved" | tr '\n' ' ')but this server is $(echo "$mine" | tr '\n' ' ')"
}

cmd_install_ssl() {
  local domain=${1:-} name found=""
  [ -n "$domain" ] || die "install-ssl needs the domain: install-ssl DOMAIN"
  need_root install-ssl
  while read -r name; do
    if [ -n "$name" ] && [ "$(sed -n 's/^DOMAIN=//p' "$WWW_DIR/$name/.deploy_config")" = "$domain" ]; then found=$name; fi
  done < <(apps_list)
  [ -n "$found" ] || die "no app has the domain $domain: run set-domain $domain [APP] first"
  app_load "$found"
  say "Checking that $domain points here"
  dns_points_here "$domain"
  say "Certificate for $domain (certbot, webroot $ACME_DIR)"
  local email=(--register-unsafely-without-email)
  if [ -n "${CERTBOT_EMAIL:-}" ]; then email=(--email "$CERTBOT_EMAIL"); fi
  system certbot certonly --webroot --webroot-path "$ACME_DIR" --domain "$domain" --non-interactive \
    --agree-tos --keep-until-expiring "${email[@]}"
  if [ "$DRY_RUN" = 0 ] && [ ! -f "$LETSENCRYPT_LIVE/$domain/fullchain.pem" ]; then
    die "no certificate at $LETSENCRYPT_LIVE/$domain/fullchain.pem after certbot"
  fi
  SSL=1
  app_config_write
  env_file_write
  renewal_render
  system systemctl daemon-reload
  system systemctl enable --now "$RENEW_UNIT.timer"
  nginx_app_render
  app_restart
  nginx_apply
  say "$APP_NAME at https://$DOMAIN/ (HTTP redirects there; renewal: $RENEW_UNIT.timer)"
}

cmd_logs() {
  local name
  name=$(app_pick "${1:-}")
  system journalctl --unit "$name.target" --unit "$name-*" --lines 100 --follow
}

main() {
  local args=() arg
  for arg in "$@"; do
    if [ "$arg" = --dry-run ]; then DRY_RUN=1; else args+=("$arg"); fi
  done
  set -- "${args[@]}"
  local command=${1:-help}
  shift || true
  if [ "$DRY_RUN" = 1 ]; then say "Dry run: printing the commands, running none"; fi
  if [ -n "$ROOT" ]; then say "Rendering under DEPLOY_ROOT=$ROOT"; fi
  case $command in
    init-server) cmd_init_server "$@" ;;
    uninit-server) cmd_uninit_server "$@" ;;
    status) cmd_status "$@" ;;
    start-all) cmd_start_all "$@" ;;
    stop-all) cmd_stop_all "$@" ;;
    enable-autostart) cmd_enable_autostart "$@" ;;
    deploy-app) cmd_deploy_app "$@" ;;
    set-domain) cmd_set_domain "$@" ;;
    install-ssl) cmd_install_ssl "$@" ;;
    logs) cmd_logs "$@" ;;
    help | -h | --help) usage ;;
    *)
      usage >&2
      die "unknown command: $command"
      ;;
  esac
}
