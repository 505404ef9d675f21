// The street → community steps of /demands/new/ at once: choosing a street narrows the list of
// communities to its own (each option names its street in data-street). Without this script
// the button beside the street sends the form and the page comes back with the list narrowed.
(function () {
  "use strict";
  var street = document.getElementById("id_street");
  var community = document.getElementById("id_community");
  var go = document.getElementById("demand-street-go");
  if (!street || !community || !go) {
    return;
  }
  // Out of the form while the script narrows the list: pressing Enter in a field then sends the
  // form with its "Send" button, not this one (the first submit button of a form is its default).
  var slot = go.parentNode;
  var options = Array.prototype.slice.call(community.options);
  var known = {};
  options.forEach(function (option) {
    if (option.dataset.street) {
      known[option.dataset.street] = true;
    }
  });
  function narrow() {
    var chosen = street.value;
    if (chosen && !known[chosen]) {
      // The page came narrowed to another street: only the server has this street's list.
      slot.appendChild(go);
      return;
    }
    if (go.parentNode) {
      slot.removeChild(go);
    }
    var kept = community.value;
    community.textContent = "";
    options.forEach(function (option) {
      if (!option.value || !chosen || option.dataset.street === chosen) {
        community.appendChild(option);
      }
    });
    community.value = kept;
    if (community.value !== kept) {
      community.value = "";
    }
  }
  street.addEventListener("change", narrow);
  narrow();
})();
