// Step 1 of "Cấp Phiếu lý lịch tư pháp": fetch the citizen's residence data
// from the (mock) national population database API and fill the empty fields
// by assigning `.value` — like many real portals do. No events are dispatched.
(function () {
  'use strict';
  var FIELDS = ['noi_thuong_tru', 'que_quan', 'dan_toc', 'quoc_tich'];
  var status = document.getElementById('trang-thai-csdl');
  var form = document.getElementById('form-buoc-1');
  if (!form || !status) return;

  function setStatus(state, text) {
    status.setAttribute('data-state', state);
    status.className = 'status status--' + state;
    status.textContent = text;
  }

  setStatus('loading', 'Đang lấy dữ liệu từ CSDL quốc gia về dân cư…');
  fetch('/api/csdl-dan-cu/cong-dan', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    })
    .then(function (data) {
      FIELDS.forEach(function (name) {
        var el = document.getElementById(name);
        if (!el || el.value !== '' || typeof data[name] !== 'string') return;
        if (el.tagName === 'SELECT') {
          var ok = Array.prototype.some.call(el.options, function (o) { return o.value === data[name]; });
          if (!ok) return;
        }
        el.value = data[name];
      });
      setStatus('done', 'Đã tự động điền từ CSDL quốc gia về dân cư');
    })
    .catch(function () {
      setStatus('error', 'Không lấy được dữ liệu từ CSDL quốc gia về dân cư. Vui lòng tự nhập các thông tin cư trú.');
    });
})();
