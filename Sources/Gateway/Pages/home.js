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
  document.getElementById("who-name").textContent = user.name || "—";
  document.getElementById("who-email").textContent = user.email;
  document.getElementById("who-client").textContent = user.clientName || user.clientId;
  document.getElementById("who-port").textContent = user.portName || user.portId;
  const contact = [user.supportPhone && "call " + user.supportPhone, user.supportEmail && "write to " + user.supportEmail]
    .filter(Boolean).join(" or ");
  if (contact) {
    const line = document.getElementById("who-contact");
    line.textContent = "Questions about your account? Please " + contact + ".";
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
      say("error", "The two new passwords are not the same.");
      return;
    }
    portal.busy(form, true);
    const result = await portal.api("/api/portal/auth/change-password",
      { currentPassword: form.current.value, newPassword: form["new-password"].value });
    portal.busy(form, false);
    if (result.status === 200) {
      form.reset();
      say("ok", "Your password is changed. Every other session was signed out.");
    } else if (result.status === 401) {
      say("error", "The current password is not right.");
    } else if (result.status === 422) {
      say("error", "Please choose another password:", (result.data && result.data.error.details) || []);
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
      sayEmail("error", "Enter the new email address and your current password.");
      (newEmail ? emailForm["email-password"] : emailForm["new-email"]).focus();
      return;
    }
    portal.busy(emailForm, true);
    const result = await portal.api("/api/portal/auth/change-email", { password, newEmail });
    portal.busy(emailForm, false);
    if (result.status === 200) {
      emailForm.reset();
      // The same answer whether or not the address has an account (the mail says which).
      sayEmail("ok", "We sent a message to " + newEmail + ". Open the link in it to confirm the new address.");
    } else if (result.status === 401) {
      emailForm["email-password"].value = "";
      sayEmail("error", "The current password is not right.");
    } else if (result.status === 400) {
      sayEmail("error", "Enter a valid email address.");
    } else {
      sayEmail("error", portal.common(result));
    }
  });
})();
