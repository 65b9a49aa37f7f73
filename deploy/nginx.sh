# shellcheck shell=bash
# deploy.sh's nginx files (sourced by deploy.sh; templates in nginx/).
#
#   /etc/nginx/nginx.conf                          the main file (the original kept as nginx.conf.orig)
#   /etc/nginx/cinestream/sites/00-default.conf    http://localhost/: apps without a domain under /APP/
#   /etc/nginx/cinestream/sites/APP.conf           APP's upstream, and its servers when it has a domain
#   /etc/nginx/cinestream/apps/APP.locations       APP's locations (static, stream, WebSocket, pages)
#   /etc/nginx/cinestream/prefixed/APP.conf        includes them in the default server (no domain)

nginx_user() {
  if [ -n "${NGINX_USER:-}" ]; then
    echo "$NGINX_USER"
  elif id -u http >/dev/null 2>&1; then
    echo http
  elif id -u www-data >/dev/null 2>&1; then
    echo www-data
  else
    echo nobody
  fi
}

# nginx 1.25.1 turned "listen ... http2" into its own "http2 on;" directive.
nginx_http2_new_syntax() {
  local version
  version=$(nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p') || true
  [ -z "$version" ] || [ "$(printf '%s\n1.25.1\n' "$version" | sort -V | head -n 1)" = 1.25.1 ]
}

# "    " where the kernel has IPv6 (nginx's [::] listens work), a comment where it has none.
nginx_ipv6() {
  if [ -f /proc/net/if_inet6 ]; then echo "    "; else echo "    # no IPv6 on this host: "; fi
}

nginx_main_render() {
  say "nginx: main configuration and shared files"
  local modules="" brotli=""
  if [ -f "$NGINX_MODULES_DIR/ngx_http_brotli_filter_module.so" ]; then
    modules="load_module $NGINX_MODULES_DIR/ngx_http_brotli_filter_module.so;
load_module $NGINX_MODULES_DIR/ngx_http_brotli_static_module.so;"
    brotli="    brotli_comp_level 5;
    brotli_types text/css application/javascript text/javascript application/json image/svg+xml text/plain application/xml;"
  fi
  if [ -f "$NGINX_DIR/nginx.conf" ] && [ ! -f "$NGINX_DIR/nginx.conf.orig" ] \
    && ! grep -q '^# Rendered by deploy.sh' "$NGINX_DIR/nginx.conf"; then
    run cp -p "$NGINX_DIR/nginx.conf" "$NGINX_DIR/nginx.conf.orig"
  fi
  run mkdir -p "$ROOT/var/log/nginx" "$ROOT/var/lib/nginx" "$ROOT/run" "$ACME_DIR"
  put_file "$NGINX_DIR/nginx.conf" 644 <<<"$(render nginx/nginx.conf.in ROOT="$ROOT" \
    NGINX_USER="$(nginx_user)" LOAD_MODULES="$modules" BROTLI="$brotli")"
  put_file "$NGINX_OURS/ffdhe2048.pem" 644 <"$SOURCE_DIR/nginx/ffdhe2048.pem"
  put_file "$NGINX_OURS/proxy.conf" 644 <<<"$(render nginx/proxy.conf.in)"
  nginx_default_render
}

# The default server: / goes to the first app without a domain.
nginx_default_render() {
  local name first="" redirect
  while read -r name; do
    [ -n "$name" ] || continue
    if [ -z "$(sed -n 's/^DOMAIN=//p' "$WWW_DIR/$name/.deploy_config")" ]; then
      first=$name
      break
    fi
  done < <(apps_list)
  if [ -n "$first" ]; then
    redirect="    location = / {
        return 302 /$first/;
    }"
  else
    redirect="    location = / {
        return 404;
    }"
  fi
  put_file "$NGINX_OURS/sites/00-default.conf" 644 <<<"$(render nginx/default.conf.in ROOT="$ROOT" \
    HTTP_PORT="$HTTP_PORT" IPV6="$(nginx_ipv6)" ROOT_REDIRECT="$redirect")"
}

nginx_app_render() {
  say "nginx: $APP_NAME at ${DOMAIN:+http$([ "$SSL" = 1 ] && echo s)://$DOMAIN}${DOMAIN:-http://localhost}$ROOT_PATH/"
  local servers="" port hsts="# No HSTS: $APP_NAME is served over plain HTTP." brotli_static="" site
  for port in $(app_ports); do
    servers+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
  done
  if [ "$SSL" = 1 ]; then
    hsts='add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;'
  fi
  if [ -f "$NGINX_MODULES_DIR/ngx_http_brotli_static_module.so" ]; then brotli_static="    brotli on;
    brotli_static on;"; fi
  put_file "$NGINX_OURS/headers-$APP_NAME.conf" 644 <<<"$(render nginx/headers.conf.in APP="$APP_NAME" HSTS="$hsts")"
  put_file "$NGINX_OURS/apps/$APP_NAME.locations" 644 <<<"$(render nginx/locations.conf.in ROOT="$ROOT" \
    APP="$APP_NAME" APP_DIR="$APP_DIR" PREFIX="$ROOT_PATH" UPSTREAM="$UPSTREAM" BROTLI_STATIC="$brotli_static")"
  site=$(render nginx/upstream.conf.in APP="$APP_NAME" PROCESSES="$PROCESSES" UPSTREAM="$UPSTREAM" \
    SERVERS="${servers%$'\n'}")
  if [ -z "$DOMAIN" ]; then
    put_file "$NGINX_OURS/prefixed/$APP_NAME.conf" 644 \
      <<<"include $NGINX_OURS/apps/$APP_NAME.locations;"
  else
    remove_path "$NGINX_OURS/prefixed/$APP_NAME.conf"
    local http2_listen=" http2" http2_on="" port_suffix=""
    if nginx_http2_new_syntax; then http2_listen="" http2_on="    http2 on;"; fi
    if [ "$HTTPS_PORT" != 443 ]; then port_suffix=":$HTTPS_PORT"; fi
    if [ "$SSL" = 1 ]; then
      site+=$'\n\n'$(render nginx/https.conf.in ROOT="$ROOT" APP="$APP_NAME" DOMAIN="$DOMAIN" \
        HTTP_PORT="$HTTP_PORT" HTTPS_PORT="$HTTPS_PORT" HTTPS_PORT_SUFFIX="$port_suffix" ACME_DIR="$ACME_DIR" \
        LISTEN_HTTP2="$http2_listen" HTTP2_ON="$http2_on" CERT_DIR="$LETSENCRYPT_LIVE/$DOMAIN" IPV6="$(nginx_ipv6)")
    else
      site+=$'\n\n'$(render nginx/http.conf.in ROOT="$ROOT" APP="$APP_NAME" DOMAIN="$DOMAIN" \
        HTTP_PORT="$HTTP_PORT" ACME_DIR="$ACME_DIR" IPV6="$(nginx_ipv6)")
    fi
  fi
  put_file "$NGINX_OURS/sites/$APP_NAME.conf" 644 <<<"$site"
}

# Checks the configuration, then starts nginx or reloads it.
nginx_apply() {
  say "nginx: check and reload"
  system nginx -t -q
  system systemctl enable nginx.service
  system systemctl reload-or-restart nginx.service
}
