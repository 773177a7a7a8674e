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
  // Switching the language reloads the page: the token goes along in the fragment.
  if (token) portal.keptFragment = "token=" + encodeURIComponent(token);

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
  const newLink = kind === "reset" ? [portal.t("link.requestNew"), "/portal/forgot-password"]
                                   : [portal.t("link.signInIfSet"), "/portal/login"];
  const askMarina = kind === "reset" ? "" : " " + portal.t("link.askMarina");

  if (!token) {
    problem(portal.t("link.missing"), ...newLink);
    return;
  }
  const status = await portal.api("/api/portal/auth/token-status", { token });
  const state = status.status === 200 && status.data ? status.data.status : "error";
  if (state === "valid" && status.data.type === kind) {
    if (status.data.portName) {
      const marina = document.getElementById("marina");
      marina.textContent = portal.t("setPassword.marina", { portName: status.data.portName });
      marina.hidden = false;
    }
    form.hidden = false;
    form.password.focus();
  } else if (state === "expired") {
    problem(portal.t("link.expired") + askMarina, ...newLink);
  } else if (state === "used") {
    problem(portal.t("link.used"), portal.t("common.signIn"), "/portal/login");
  } else if (state === "error") {
    portal.say("error", portal.common(status));
  } else {
    problem(portal.t("link.invalid") + askMarina, ...newLink);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = form.password.value;
    const problems = [];
    if ([...password.normalize("NFKC")].length < minLength) problems.push(portal.t("password.tooShort"));
    if (password !== form.confirm.value) problems.push(portal.t("setPassword.error.mismatch"));
    if (problems.length) {
      portal.say("error", portal.t("setPassword.error.heading"), problems);
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
      portal.say("error", portal.t("setPassword.error.refused"), portal.reasons(result.data && result.data.error.details));
      form.password.focus();
    } else if (result.status === 400) {
      problem(portal.t("link.noLongerValid"), ...newLink);
    } else {
      portal.say("error", portal.common(result));
    }
  });
})();
