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
  const again = " Sign in with your current address and ask for the change again.";

  if (!token) {
    problem("This page needs the link from your email. Open the link in the email again.");
    return;
  }
  const status = await portal.api("/api/portal/auth/token-status", { token });
  const state = status.status === 200 && status.data ? status.data.status : "error";
  if (state === "valid" && status.data.type === "email_change") {
    const where = status.data.portName ? " on the " + status.data.portName + " client portal" : "";
    document.getElementById("confirm-text").textContent =
      "Your account" + where + " will use " + status.data.newEmail + " from now on. Every session is signed out.";
    form.hidden = false;
    form.querySelector("button").focus();
  } else if (state === "expired") {
    problem("This link has expired." + again);
  } else if (state === "used") {
    problem("This link was already used. Each link works once.");
  } else if (state === "error") {
    portal.say("error", portal.common(status));
  } else {
    problem("This link is not valid. It may have been replaced by a newer one." + again);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    portal.busy(form, true);
    const result = await portal.api("/api/portal/auth/confirm-email", { token });
    portal.busy(form, false);
    if (result.status === 200) {
      portal.clear();
      form.hidden = true;
      document.getElementById("done-text").textContent = "Your email address is now " + result.data.email + ".";
      document.getElementById("done").hidden = false;
      document.getElementById("main").focus();
    } else if (result.status === 409) {
      problem("This address has meanwhile been taken by another account, so nothing changed.");
    } else if (result.status === 400) {
      problem("This link is no longer valid." + again);
    } else {
      portal.say("error", portal.common(result));
    }
  });
})();
