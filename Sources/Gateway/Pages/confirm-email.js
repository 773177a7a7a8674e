"use strict";
// The landing page of an email-change link. Like the set-password page, the token comes from the
// URL fragment (#token=…) and loading the page only asks for its status: the address changes when
// the client presses the button, never on a mail scanner's GET.
(async () => {
  const form = document.getElementById("confirm-email");
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const query = new URLSearchParams(window.location.search);
  const token = fragment.get("token") || query.get("token") || "";
  if (query.has("token") || window.location.hash) {
    history.replaceState(null, "", window.location.pathname);
  }
  const problem = (text) => {
    document.getElementById("link-problem-text").textContent = text;
    document.getElementById("link-problem").hidden = false;
    form.hidden = true;
    document.getElementById("main").focus();
  };
  const again = " " + portal.t("link.askAgain");

  if (!token) {
    problem(portal.t("link.missing"));
    return;
  }
  const status = await portal.api("/api/portal/auth/token-status", { token });
  const state = status.status === 200 && status.data ? status.data.status : "error";
  if (state === "valid" && status.data.type === "email_change") {
    const email = status.data.newEmail;
    document.getElementById("confirm-text").textContent = status.data.portName
      ? portal.t("confirmEmail.text", { portName: status.data.portName, email })
      : portal.t("confirmEmail.text.generic", { email });
    form.hidden = false;
    form.querySelector("button").focus();
  } else if (state === "expired") {
    problem(portal.t("link.expired") + again);
  } else if (state === "used") {
    problem(portal.t("link.used"));
  } else if (state === "error") {
    portal.say("error", portal.common(status));
  } else {
    problem(portal.t("link.invalid") + again);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    portal.busy(form, true);
    const result = await portal.api("/api/portal/auth/confirm-email", { token });
    portal.busy(form, false);
    if (result.status === 200) {
      portal.clear();
      form.hidden = true;
      document.getElementById("done-text").textContent = portal.t("confirmEmail.done", { email: result.data.email });
      document.getElementById("done").hidden = false;
      document.getElementById("main").focus();
    } else if (result.status === 409) {
      problem(portal.t("confirmEmail.taken"));
    } else if (result.status === 400) {
      problem(portal.t("link.noLongerValid") + again);
    } else {
      portal.say("error", portal.common(result));
    }
  });
})();
