"use strict";
// Activation and reset share this page. The token comes from the URL fragment (#token=…), which
// no server, log or Referer sees; a ?token= link also works and is removed from the address bar
// at once. Loading the page only asks for the token's status: nothing is consumed until submit.
(async () => {
  const form = document.getElementById("set-password");
  const kind = form.dataset.kind;               // "activation" or "reset"
  const minLength = Number(form.dataset.minLength);
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const query = new URLSearchParams(window.location.search);
  const token = fragment.get("token") || query.get("token") || "";
  // The page to go to once signed in (the server answers it back only if it is a path on this site).
  const next = query.get("next") || undefined;
  if (query.has("token") || window.location.hash) {
    history.replaceState(null, "", window.location.pathname);
  }

  const problem = (text, actionText, actionHref) => {
    document.getElementById("link-problem-text").textContent = text;
    const action = document.getElementById("link-problem-action");
    action.textContent = actionText;
    action.href = actionHref;
    document.getElementById("link-problem").hidden = false;
    form.hidden = true;
    document.getElementById("main").focus();
  };
  // Clients cannot request an invitation themselves: a dead activation link means asking the marina.
  const newLink = kind === "reset" ? ["Request a new link", "/portal/forgot-password"]
                                   : ["Sign in, if you already set your password", "/portal/login"];
  const askMarina = kind === "reset" ? "" : " Please ask your marina to send you a new invitation.";

  if (!token) {
    problem("This page needs the link from your email. Open the link in the email again.", ...newLink);
    return;
  }
  const status = await portal.api("/api/portal/auth/token-status", { token });
  const state = status.status === 200 && status.data ? status.data.status : "error";
  if (state === "valid" && status.data.type === kind) {
    if (status.data.portName) {
      const marina = document.getElementById("marina");
      marina.textContent = "For your account on the " + status.data.portName + " client portal.";
      marina.hidden = false;
    }
    form.hidden = false;
    form.password.focus();
  } else if (state === "expired") {
    problem("This link has expired." + askMarina, ...newLink);
  } else if (state === "used") {
    problem("This link was already used. Each link works once.", "Sign in", "/portal/login");
  } else if (state === "error") {
    portal.say("error", portal.common(status));
  } else {
    problem("This link is not valid. It may have been replaced by a newer one." + askMarina, ...newLink);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = form.password.value;
    const problems = [];
    if ([...password.normalize("NFKC")].length < minLength) problems.push("Use at least " + minLength + " characters.");
    if (password !== form.confirm.value) problems.push("The two passwords are not the same.");
    if (problems.length) {
      portal.say("error", "Please change your password:", problems);
      form.password.focus();
      return;
    }
    portal.busy(form, true);
    const path = kind === "reset" ? "/api/portal/auth/reset-password" : "/api/portal/auth/activate";
    const result = await portal.api(path, { token, password, next });
    portal.busy(form, false);
    if (result.status === 200) {
      // Signed in: the answer set the session cookie.
      portal.clear();
      form.hidden = true;
      document.getElementById("done").hidden = false;
      window.location.assign((result.data && result.data.next) || "/portal");
    } else if (result.status === 422) {
      portal.say("error", "Please choose another password:", (result.data && result.data.error.details) || []);
      form.password.focus();
    } else if (result.status === 400) {
      problem("This link is no longer valid.", ...newLink);
    } else {
      portal.say("error", portal.common(result));
    }
  });
})();
