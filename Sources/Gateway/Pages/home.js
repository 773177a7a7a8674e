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
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form["new-password"].value !== form.confirm.value) {
      portal.say("error", "The two new passwords are not the same.");
      form["new-password"].focus();
      return;
    }
    portal.busy(form, true);
    const result = await portal.api("/api/portal/auth/change-password",
      { currentPassword: form.current.value, newPassword: form["new-password"].value });
    portal.busy(form, false);
    if (result.status === 200) {
      form.reset();
      portal.say("ok", "Your password is changed. Every other session was signed out.");
    } else if (result.status === 401) {
      portal.say("error", "The current password is not right.");
      form.current.focus();
    } else if (result.status === 422) {
      portal.say("error", "Please choose another password:", (result.data && result.data.error.details) || []);
      form["new-password"].focus();
    } else {
      portal.say("error", portal.common(result));
    }
  });
})();
