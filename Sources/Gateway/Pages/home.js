"use strict";
(async () => {
  const me = await portal.api("/api/portal/auth/me");
  if (me.status === 401) {
    window.location.replace("/portal/login");
    return;
  }
  if (me.status !== 200) {
    portal.say("error", portal.common(me));
    return;
  }
  const user = me.data.user;
  // The language switch stores the choice on the account, for pages and mails alike.
  portal.beforeLanguageChange = async (locale) => {
    const result = await portal.api("/api/portal/auth/locale", { locale }, "PUT");
    if (result.status >= 200 && result.status < 300) return true;
    portal.say("error", portal.common(result));
    return false;
  };
  document.getElementById("who-name").textContent = user.name || "—";
  document.getElementById("who-email").textContent = user.email;
  document.getElementById("who-client").textContent = user.clientName || user.clientId;
  document.getElementById("who-port").textContent = user.portName || user.portId;
  const contact = user.supportPhone && user.supportEmail ? "home.contact.phoneAndEmail"
    : user.supportPhone ? "home.contact.phone" : user.supportEmail ? "home.contact.email" : null;
  if (contact) {
    const line = document.getElementById("who-contact");
    line.textContent = portal.t(contact, { phone: user.supportPhone, email: user.supportEmail });
    line.hidden = false;
  }
  document.getElementById("who").hidden = false;

  const signOut = async (scope) => {
    await portal.api("/api/portal/auth/sign-out" + (scope ? "?scope=" + scope : ""), {});
    window.location.assign("/portal/login");
  };
  document.getElementById("sign-out").addEventListener("click", () => signOut());
  document.getElementById("sign-out-all").addEventListener("click", () => signOut("all"));

  const form = document.getElementById("change-password");
  // The form's messages stand beside it (a phone shows the form, not the top of the page).
  const say = (kind, message, items) => portal.say(kind, message, items, "change-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    portal.clear("change-status");
    if (form["new-password"].value !== form.confirm.value) {
      say("error", portal.t("home.changePassword.mismatch"));
      return;
    }
    portal.busy(form, true);
    const result = await portal.api("/api/portal/auth/change-password",
      { currentPassword: form.current.value, newPassword: form["new-password"].value });
    portal.busy(form, false);
    if (result.status === 200) {
      form.reset();
      say("ok", portal.t("home.changePassword.done"));
    } else if (result.status === 401) {
      say("error", portal.t("home.changePassword.wrongCurrent"));
    } else if (result.status === 422) {
      say("error", portal.t("home.changePassword.refused"), portal.reasons(result.data && result.data.error.details));
    } else {
      say("error", portal.common(result));
    }
  });

  const emailForm = document.getElementById("change-email");
  const sayEmail = (kind, message) => portal.say(kind, message, undefined, "change-email-status");
  emailForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    portal.clear("change-email-status");
    const newEmail = emailForm["new-email"].value.trim();
    const password = emailForm["email-password"].value;
    if (!newEmail || !password) {
      sayEmail("error", portal.t("home.changeEmail.missing"));
      (newEmail ? emailForm["email-password"] : emailForm["new-email"]).focus();
      return;
    }
    portal.busy(emailForm, true);
    const result = await portal.api("/api/portal/auth/change-email", { password, newEmail });
    portal.busy(emailForm, false);
    if (result.status === 200) {
      emailForm.reset();
      // The same answer whether or not the address has an account (the mail says which).
      sayEmail("ok", portal.t("home.changeEmail.sent", { email: newEmail }));
    } else if (result.status === 401) {
      emailForm["email-password"].value = "";
      sayEmail("error", portal.t("home.changeEmail.wrongCurrent"));
    } else if (result.status === 400) {
      sayEmail("error", portal.t("home.changeEmail.invalid"));
    } else {
      sayEmail("error", portal.common(result));
    }
  });
})();
