// An Angular 22 reactive form, written the way the Angular CLI would compile it but in plain
// JS: JIT (the compiler is in the bundle), decorators applied as functions, inject() instead of
// constructor parameters. zone.js is loaded by the page (a classic script in <head>, before the
// probe's tag) and the app asks for zone-based change detection, which Angular 22 no longer
// gives by default (bootstrapApplication is zoneless unless provideZoneChangeDetection() is
// provided).
//
// The inputs are bound with formControlName only: no name, no id. After start-up the app
// fetches /api/citizen.json and copies the answer into the form with patchValue() (page
// script: `script`).
import './angular/globals.mjs'; // ngServerMode & co., as the CLI defines them
import '@angular/compiler';
import { Component, afterNextRender, inject, Injector, provideZoneChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';

const FETCHED = ['ho_ten', 'so_dinh_danh', 'ngay_sinh', 'gioi_tinh', 'noi_thuong_tru'];

const TEMPLATE = `
  <form [formGroup]="form" (ngSubmit)="nop()" id="to-khai-angular" [attr.data-state]="state()">
    <h1>Tờ khai đăng ký tạm trú</h1>
    <fieldset>
      <legend>Thông tin công dân (tự động điền từ Cơ sở dữ liệu quốc gia về dân cư)</legend>
      <div class="truong"><label>Họ và tên <input formControlName="ho_ten"></label></div>
      <div class="truong"><label>Số định danh cá nhân <input formControlName="so_dinh_danh" inputmode="numeric"></label></div>
      <div class="truong"><label>Ngày sinh <input formControlName="ngay_sinh" placeholder="dd/mm/yyyy"></label></div>
      <div class="truong">
        <label>Giới tính
          <select formControlName="gioi_tinh">
            <option value="">-- Chọn --</option>
            <option value="gt-nam">Nam</option>
            <option value="gt-nu">Nữ</option>
          </select>
        </label>
      </div>
      <div class="truong"><label>Nơi thường trú <input formControlName="noi_thuong_tru"></label></div>
    </fieldset>
    <fieldset>
      <legend>Nơi đăng ký tạm trú</legend>
      <div class="truong">
        <label>Tỉnh/Thành phố
          <select formControlName="tinh_thanh">
            <option value="">-- Chọn tỉnh/thành phố --</option>
            <option value="tinh-01">Thành phố Hà Nội</option>
            <option value="tinh-79">Thành phố Hồ Chí Minh</option>
            <option value="tinh-48">Thành phố Đà Nẵng</option>
          </select>
        </label>
      </div>
      <div class="truong"><label>Địa chỉ tạm trú <input formControlName="dia_chi_tam_tru"></label></div>
      <div class="truong"><label>Số điện thoại <input formControlName="so_dien_thoai" type="tel"></label></div>
      <div class="truong"><label>Thư điện tử <input formControlName="email" type="email"></label></div>
      <div class="truong"><label>Họ tên chủ hộ <input formControlName="chu_ho"></label></div>
      <div class="truong"><label>Lý do đăng ký tạm trú <textarea formControlName="ly_do"></textarea></label></div>
    </fieldset>
    <p id="trang-thai">{{ state() === 'loading' ? 'Đang tải dữ liệu…' : state() === 'done' ? 'Đã tải dữ liệu' : 'Lỗi tải dữ liệu' }}</p>
    <button type="submit">Nộp hồ sơ</button>
  </form>
`;

const AppComponent = Component({
  selector: 'app-root',
  standalone: true,
  imports: [ReactiveFormsModule],
  template: TEMPLATE,
})(
  class AppComponent {
    injector = inject(Injector);
    state = signal('loading');
    form = new FormGroup({
      ho_ten: new FormControl(''),
      so_dinh_danh: new FormControl(''),
      ngay_sinh: new FormControl(''),
      gioi_tinh: new FormControl(''),
      noi_thuong_tru: new FormControl(''),
      tinh_thanh: new FormControl(''),
      dia_chi_tam_tru: new FormControl(''),
      so_dien_thoai: new FormControl(''),
      email: new FormControl(''),
      chu_ho: new FormControl(''),
      ly_do: new FormControl(''),
    });

    ngOnInit() {
      fetch('/api/citizen.json')
        .then((r) => r.json())
        .then((data) => {
          const patch = {};
          for (const k of FETCHED) if (typeof data[k] === 'string') patch[k] = data[k];
          this.form.patchValue(patch);
          this.state.set('done');
        })
        .catch(() => this.state.set('error'))
        .finally(() => {
          // Once the render that follows the fetch has happened.
          afterNextRender(() => { window.pageReady = true; }, { injector: this.injector });
        });
    }

    nop() {
      // The portal would post the form; the test never submits.
    }
  },
);

window.pageReady = false;
bootstrapApplication(AppComponent, { providers: [provideZoneChangeDetection()] }).catch((error) => {
  window.angularBootstrapError = String(error);
  throw error;
});
