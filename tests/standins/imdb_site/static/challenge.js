// The stand-in's AWS WAF challenge script. Like the real one it does a little proof of work in
// the browser, trades it for a token and stores the token in the aws-waf-token cookie; the
// challenge page then reloads and the server lets the request through. A client that runs
// no JavaScript never gets the cookie.
window.AwsWafIntegration = (function () {
  "use strict";

  async function sha256Hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  async function solve(context, difficulty) {
    const prefix = "0".repeat(difficulty);
    for (let nonce = 0; ; nonce++) {
      if ((await sha256Hex(context + ":" + nonce)).startsWith(prefix)) return nonce;
    }
  }

  async function getToken() {
    const props = window.gokuProps || {};
    const nonce = await solve(props.context, props.difficulty || 2);
    const response = await fetch("/_standin/awswaf/verify", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ context: props.context, nonce: nonce, webdriver: !!navigator.webdriver }),
    });
    if (!response.ok) throw new Error("challenge verification failed: " + response.status);
    const answer = await response.json();
    document.cookie = "aws-waf-token=" + answer.token + "; path=/; max-age=345600; SameSite=Lax";
    return answer.token;
  }

  return {
    saveReferrer: function () {},
    checkForceRefresh: function () {
      return Promise.resolve(false);
    },
    forceRefreshToken: getToken,
    getToken: getToken,
    hasToken: function () {
      return document.cookie.split("; ").some((part) => part.startsWith("aws-waf-token="));
    },
  };
})();
