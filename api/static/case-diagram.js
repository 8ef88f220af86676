// Draw the case diagram with bpmn-js (served from our own host) and mark done and current steps.
// The page lists the same steps as text, so nothing depends on this script.
(function () {
  'use strict';
  var box = document.getElementById('diagram');
  if (!box || typeof window.BpmnJS !== 'function') { return; }
  var done = JSON.parse(box.getAttribute('data-done') || '[]');
  var current = JSON.parse(box.getAttribute('data-current') || '[]');
  var viewer = new window.BpmnJS({ container: box.querySelector('.diagram-canvas') });

  function button(label, action) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'button button-secondary button-small';
    b.textContent = label;
    b.addEventListener('click', action);
    return b;
  }

  function showCurrent(canvas, registry) {
    var first = current.map(function (id) { return registry.get(id); }).filter(Boolean)[0];
    canvas.zoom('fit-viewport', 'auto');
    if (first && canvas.zoom() < 0.8) {
      canvas.zoom(0.9);
      var vb = canvas.viewbox();
      canvas.viewbox({ x: first.x + first.width / 2 - vb.width / 2, y: first.y + first.height / 2 - vb.height / 2,
                       width: vb.width, height: vb.height });
    }
  }

  fetch(box.getAttribute('data-xml-url'), { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) { throw new Error('diagram ' + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      done.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'rf-done'); } });
      current.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'rf-current'); } });
      showCurrent(canvas, registry);
      var tools = document.createElement('div');
      tools.className = 'diagram-tools';
      tools.appendChild(button('Zoom in', function () { canvas.zoom(canvas.zoom() * 1.25); }));
      tools.appendChild(button('Zoom out', function () { canvas.zoom(canvas.zoom() / 1.25); }));
      tools.appendChild(button('Whole diagram', function () { canvas.zoom('fit-viewport', 'auto'); }));
      tools.appendChild(button('Current step', function () { showCurrent(canvas, registry); }));
      box.parentNode.insertBefore(tools, box);
      box.setAttribute('data-state', 'ready');
    })
    .catch(function () {
      box.setAttribute('data-state', 'failed');
      var note = document.createElement('p');
      note.textContent = 'The diagram could not be drawn; the list below shows the steps.';
      box.appendChild(note);
    });
}());
