// Shared by every portal page: JSON calls to the gateway and the status region.
"use strict";

window.portal = {
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
   * origin it does not allow, a bad request) is shown in the server's own words: the page cannot
   * say it better, and "Something went wrong" would hide the fix (PORTAL_ALLOWED_ORIGINS).
   */
  common(result) {
    if (result.status === 0) return "The portal cannot be reached. Check your connection and try again.";
    if (result.status === 429) return "Too many attempts. Please wait " + (result.retryAfter || "a few") + " seconds and try again.";
    if (result.status === 503) return "The service is busy. Please try again in a moment.";
    const error = result.data && result.data.error;
    if (result.status >= 400 && result.status < 500 && error && typeof error.message === "string" && error.message) {
      return error.message;
    }
    return "Something went wrong. Please try again.";
  },

  busy(form, on) {
    for (const button of form.querySelectorAll("button")) button.disabled = on;
  },
};
