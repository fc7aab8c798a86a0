// A React 19 controlled form, the way a modern portal front end pre-fills from an API:
// every input is controlled by useState; after mount it fetches /api/citizen.json and
// copies the answer into state, so those inputs are filled by page script (`script`).
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

const EMPTY = {
  ho_ten: '',
  so_dinh_danh: '',
  ngay_sinh: '',
  gioi_tinh: '',
  noi_thuong_tru: '',
  so_dien_thoai: '',
  email: '',
  noi_o_hien_tai: '',
  muc_dich: '',
};

const FETCHED = ['ho_ten', 'so_dinh_danh', 'ngay_sinh', 'gioi_tinh', 'noi_thuong_tru'];

function Field({ name, label, value, onChange, type = 'text' }) {
  return (
    <div className="truong">
      <label htmlFor={name}>{label}</label>
      <input id={name} name={name} type={type} value={value} onChange={onChange} />
    </div>
  );
}

function ToKhai() {
  const [form, setForm] = useState(EMPTY);
  const [state, setState] = useState('loading');

  useEffect(() => {
    let live = true;
    fetch('/api/citizen.json')
      .then((r) => r.json())
      .then((data) => {
        if (!live) return;
        setForm((f) => {
          const next = { ...f };
          for (const k of FETCHED) if (typeof data[k] === 'string') next[k] = data[k];
          return next;
        });
        setState('done');
      })
      .catch(() => live && setState('error'));
    return () => { live = false; };
  }, []);

  // Runs after the commit that rendered the fetched values into the DOM.
  useEffect(() => {
    if (state !== 'loading') window.pageReady = true;
  }, [state]);

  const on = (e) => {
    const { name, value } = e.target;
    setForm((f) => ({ ...f, [name]: value }));
  };

  return (
    <form id="to-khai-react" onSubmit={(e) => e.preventDefault()} data-state={state}>
      <h1>Tờ khai thay đổi thông tin cư trú</h1>
      <fieldset>
        <legend>Thông tin công dân (tự động điền từ hệ thống)</legend>
        <Field name="ho_ten" label="Họ và tên" value={form.ho_ten} onChange={on} />
        <Field name="so_dinh_danh" label="Số định danh cá nhân" value={form.so_dinh_danh} onChange={on} />
        <Field name="ngay_sinh" label="Ngày sinh" value={form.ngay_sinh} onChange={on} />
        <div className="truong">
          <label htmlFor="gioi_tinh">Giới tính</label>
          <select id="gioi_tinh" name="gioi_tinh" value={form.gioi_tinh} onChange={on}>
            <option value="">-- Chọn --</option>
            <option value="gt-nam">Nam</option>
            <option value="gt-nu">Nữ</option>
          </select>
        </div>
        <Field name="noi_thuong_tru" label="Nơi thường trú" value={form.noi_thuong_tru} onChange={on} />
      </fieldset>
      <fieldset>
        <legend>Thông tin công dân khai</legend>
        <Field name="so_dien_thoai" label="Số điện thoại" type="tel" value={form.so_dien_thoai} onChange={on} />
        <Field name="email" label="Thư điện tử" type="email" value={form.email} onChange={on} />
        <Field name="noi_o_hien_tai" label="Nơi ở hiện tại" value={form.noi_o_hien_tai} onChange={on} />
        <div className="truong">
          <label htmlFor="muc_dich">Lý do thay đổi</label>
          <textarea id="muc_dich" name="muc_dich" value={form.muc_dich} onChange={on} />
        </div>
      </fieldset>
      <p id="trang-thai">{state === 'loading' ? 'Đang tải dữ liệu…' : state === 'done' ? 'Đã tải dữ liệu' : 'Lỗi tải dữ liệu'}</p>
      <button type="submit">Nộp hồ sơ</button>
    </form>
  );
}

window.pageReady = false;
createRoot(document.getElementById('app')).render(<ToKhai />);
