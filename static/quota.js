// Add-quota page: show how the target compares with the chosen place's population while typing.
// The sentences come from the page (data-* attributes, already translated); this only fills numbers.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-ratio]");
  if (!form) return;
  var target = form.querySelector("input[name=target]");
  var region = form.querySelector("select[name=region]");
  var base = form.querySelector("select[name=base]");
  var out = document.getElementById("live-ratio");
  var number = new Intl.NumberFormat(document.documentElement.lang, { maximumFractionDigits: 2 });

  function update() {
    var option = region.options[region.selectedIndex];
    var size = Number(option && option.dataset[base.value === "households" ? "households" : "population"]);
    var wanted = Number(target.value);
    var counted = base.value === "population" || base.value === "households";
    if (!counted || !size || !wanted || wanted < 0) { out.textContent = ""; out.className = "live"; return; }
    var ratio = wanted / size;
    var sentence = ratio > 1 ? form.dataset.above : form.dataset.below;
    out.textContent = sentence.replace("{ratio}", number.format(ratio)).replace("{place}", option.textContent.split(" (")[0]);
    out.className = "live" + (ratio > 1 ? " critical" : ratio > 0.9 ? " warning" : "");
  }
  [target, region, base].forEach(function (el) { el.addEventListener("input", update); el.addEventListener("change", update); });
  update();
})();
