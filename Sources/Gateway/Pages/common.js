// Shared by every portal page: JSON calls to the gateway, the status region, the page's
// sentences and the language switch.
"use strict";

window.portal = {
  /**
   * The page's sentences in its language, from its JSON data block (rendered by the server from
   * the catalogue): {lang, t: key → sentence, plurals: key → category → sentence, reasons}.
   */
  strings: JSON.parse(document.getElementById("portal-strings").textContent),

  /** The sentence `key`, each {name} replaced by values[name] (shown as text, never HTML). */
  t(key, values) {
    const text = this.strings.t[key];
    if (text === undefined) return key;
    return text.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (whole, name) => (values && name in values ? String(values[name]) : whole));
  },

  /** The plural sentence `key` for the number n, in the page's language. */
  plural(key, n) {
    const forms = this.strings.plurals[key] || {};
    let category = "other";
    try { category = new Intl.PluralRules(this.strings.lang).select(n); } catch (_) { category = "other"; }
    return (forms[category] || forms.other || key).replace("{n}", String(n));
  },

  /** The password policy's reasons (the API's English `details`) in the page's language. */
  reasons(details) {
    const reasons = this.strings.reasons || {};
    return (details || []).map((reason) => reasons[reason] || reason);
  },

  /**
   * Called with the chosen language before the switch reloads the page; a signed-in page sets it
   * to store the choice on the account. Resolves true when the page may go on.
   */
  beforeLanguageChange: null,
  /** Kept in the address the switch goes to (the set-password page's token). */
  keptFragment: "",

  /** POST (or GET without body) to the API; resolves {status, data}. Never throws on HTTP errors. */
  async api(path, body, method) {
    const options = { method: method || (body === undefined ? "GET" : "POST"), credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    try {
      const response = await fetch(path, options);
      let data = null;
      if (response.status !== 204) {
        try { data = await response.json(); } catch (_) { data = null; }
      }
      return { status: response.status, data, retryAfter: response.headers.get("Retry-After") };
    } catch (_) {
      return { status: 0, data: null };
    }
  },

  /**
   * Shows a message (and optional list) in a status region: the page's #status, or the one named
   * by `where` (a form's own, right above its button). kind is "error" or "ok". An error is
   * scrolled into view and takes the focus, so it is seen on a phone whose screen shows the form,
   * and read out by a screen reader.
   */
  say(kind, message, items, where) {
    const status = document.getElementById(where || "status");
    status.className = "status " + kind;
    status.textContent = message;
    if (items && items.length) {
      const list = document.createElement("ul");
      for (const item of items) {
        const li = document.createElement("li");
        li.textContent = item;
        list.appendChild(li);
      }
      status.appendChild(list);
    }
    if (kind === "error") {
      status.setAttribute("tabindex", "-1");
      status.scrollIntoView({ block: "center" });
      status.focus();
    }
  },

  clear(where) {
    const status = document.getElementById(where || "status");
    status.className = "status";
    status.textContent = "";
  },

  /**
   * A sentence for failures every page shares. A refusal the server explains (a request from an
   * origin it does not allow, a bad request) is shown as the sentence for its code in the page's
   * language, else in the server's own (English) words: "Something went wrong" would hide the fix.
   */
  common(result) {
    if (result.status === 0) return this.t("common.unreachable");
    if (result.status === 429) {
      const seconds = Number(result.retryAfter);
      return Number.isInteger(seconds) && seconds > 0 ? this.plural("common.tooManyAttempts", seconds)
                                                      : this.t("common.tooManyAttempts.noDelay");
    }
    if (result.status === 503) return this.t("common.busy");
    const error = result.data && result.data.error;
    if (result.status >= 400 && result.status < 500 && error) {
      if (typeof error.code === "string" && this.strings.t["error." + error.code] !== undefined) {
        return this.t("error." + error.code);
      }
      if (typeof error.message === "string" && error.message) return error.message;
    }
    return this.t("common.failed");
  },

  busy(form, on) {
    for (const button of form.querySelectorAll("button")) button.disabled = on;
  },
};

// The language switch: each link (?lang=xx) works without script; with it, the page keeps its
// own query (next) and fragment (a link's token), and a signed-in page first stores the choice.
(() => {
  const query = new URLSearchParams(window.location.search);
  if (query.has("lang")) {
    query.delete("lang");
    const rest = query.toString();
    history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
  }
  for (const link of document.querySelectorAll("nav.languages a[hreflang]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      const lang = link.hreflang;
      if (portal.beforeLanguageChange && !(await portal.beforeLanguageChange(lang))) return;
      const target = new URLSearchParams(window.location.search);
      target.set("lang", lang);
      const fragment = portal.keptFragment || window.location.hash.slice(1);
      window.location.assign(window.location.pathname + "?" + target.toString() + (fragment ? "#" + fragment : ""));
    });
  }
})();
