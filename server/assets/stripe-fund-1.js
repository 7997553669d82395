// Boomerang's funding page: mounts Stripe's Payment Element and confirms the contract's
// PaymentIntent. Everything it needs is in data attributes of #stripe-payment (no inline
// script: the page's CSP forbids it). Stripe's webhook marks the contract FUNDED.
(function () {
  "use strict";
  var box = document.getElementById("stripe-payment");
  if (!box || typeof Stripe !== "function") { return; }
  var stripe = Stripe(box.dataset.key);
  var elements = stripe.elements({ clientSecret: box.dataset.secret, locale: box.dataset.locale });
  elements.create("payment").mount("#stripe-element");
  var form = document.getElementById("stripe-form");
  var status = document.getElementById("stripe-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = box.dataset.working;
    stripe.confirmPayment({ elements: elements, redirect: "if_required",
      confirmParams: { return_url: window.location.href } })
      .then(function (result) {
        status.textContent = result.error ? result.error.message : box.dataset.done;
      });
  });
})();
