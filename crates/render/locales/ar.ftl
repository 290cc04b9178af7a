# رسائل الواجهة للصفحات العربية. يجب أن يوجد كل معرّف هنا في en.ftl أيضاً (يتحقق اختبار من ذلك).
skip-to-content = انتقل إلى المحتوى
nav-sections = الأقسام
nav-home = الرئيسية
lang-switch = Read in English
lang-switch-label = اقرأ الموقع بالإنجليزية
today = اليوم
hijri-label = التاريخ الهجري
reading-time = { $minutes ->
    [one] قراءة في دقيقة واحدة
    [two] قراءة في دقيقتين
    [few] قراءة في { $minutes } دقائق
   *[other] قراءة في { $minutes } دقيقة
}
byline-by = بقلم
byline-and = و
byline-comma = ،
published = نُشر في
updated = حُدّث في
source-credit = نُشر أولاً في
corrections-title = تصحيحات
correction-label = تصحيح
tags-title = الوسوم
related-title = مقالات ذات صلة
more-headlines = المزيد من الأخبار
lead-story = الخبر الرئيسي
latest = آخر الأخبار
most-recent = الأحدث
section-more = المزيد في هذا القسم
read-translation = اقرأ هذا المقال بالإنجليزية
image-credit = تصوير:
kind-news = خبر
kind-interview = حوار
kind-opinion = رأي
kind-analysis = تحليل
kind-feature = تقرير
newsletter-title = النشرة البريدية
newsletter-text = أهم أخبار العالم العربي في بريدك كل صباح.
newsletter-email = البريد الإلكتروني
newsletter-submit = اشترك
newsletter-soon-title = الاشتراك في النشرة البريدية يُفتح قريباً
newsletter-soon-text = شكراً لاهتمامك. لم يُفتح الاشتراك بعد، ولم نحفظ العنوان الذي أدخلته.
listen-title = استمع إلى هذا المقال
section-page-title = { $name }
tag-page-title = وسم: { $name }
author-page-title = مقالات { $name }
list-empty = لا توجد مقالات هنا بعد.
list-count = { $count ->
    [zero] لا مقالات
    [one] مقال واحد
    [two] مقالان
    [few] { $count } مقالات
   *[other] { $count } مقالاً
}
pagination-label = الصفحات
pagination-prev = مقالات أحدث
pagination-next = مقالات أقدم
pagination-status = الصفحة { $page } من { $pages }
not-found-title = الصفحة غير موجودة
not-found-text = لم نعثر على هذه الصفحة. ربما نُقلت، أو أن في العنوان خطأً.
gone-title = سُحب هذا المقال
gone-text = سحب المحررون هذا المقال.
bad-request-title = طلب غير صالح
bad-request-text = تعذّر فهم هذا العنوان.
error-title = حدث خطأ
error-text = منع خطأ من جهتنا تحميل هذه الصفحة. يُرجى المحاولة بعد قليل.
back-home = العودة إلى الصفحة الرئيسية
footer-rights = جميع الحقوق محفوظة.
footer-copyright = © { $year } { $site }.
footer-about = موقع إخباري مستقل بالعربية والإنجليزية.

search-title = البحث
search-results-for = نتائج البحث عن «{ $query }»
search-form-label = البحث مع المرشّحات
search-label = ابحث في الموقع
search-placeholder = ابحث…
search-submit = بحث
search-filters = تضييق النتائج
search-section = القسم
search-author = الكاتب
search-any = الكل
search-from = من تاريخ
search-to = إلى تاريخ
search-count = { $count ->
    [zero] لم نعثر على مقالات
    [one] عثرنا على مقال واحد
    [two] عثرنا على مقالين
    [few] عثرنا على { $count } مقالات
   *[other] عثرنا على { $count } مقالاً
}
search-partial = لا يحوي أيّ مقال كل الكلمات التي بحثت عنها؛ هذه المقالات تحوي بعضها.
search-nothing = لم يطابق بحثك أي مقال.
search-did-you-mean = هل تقصد:
search-tip-spelling = تحقّق من الإملاء، أو جرّب صيغة أخرى للكلمة.
search-tip-fewer = استخدم كلمات أقل أو أعمّ.
search-tip-filters = أزل أحد المرشّحات أو وسّع نطاق التاريخ.
search-prev = نتائج أقرب
search-next = مزيد من النتائج
search-empty-query = اكتب كلمة أو كلمتين للبحث في الموقع.
search-only-stop-words = هذه الكلمات شائعة جداً ولا يُبحث بها. أضف كلمة أدق.
search-truncated = كان بحثك طويلاً، فاستخدمنا بدايته فقط.
search-bad-date = لم نفهم أحد التاريخين فتجاهلناه؛ اكتبه بصيغة سنة-شهر-يوم.
search-bad-filter = لم نتعرّف على أحد المرشّحات فتجاهلناه.

## غرفة الأخبار (/admin)
admin-title = غرفة الأخبار
admin-nav = غرفة الأخبار
admin-dashboard = لوحة التحكم
admin-articles = المقالات
admin-new-article = مقال جديد
admin-users = الفريق
admin-account = حسابي
admin-view-site = عرض الموقع
admin-switch-language = English
admin-sign-out = تسجيل الخروج
admin-sign-in = تسجيل الدخول
admin-login-title = الدخول إلى غرفة الأخبار
admin-setup-title = إعداد غرفة الأخبار
admin-setup-text = لا يوجد حساب على هذا الموقع بعد. أنشئ حساب المالك: يدير المالك الفريق والأدوار والإعدادات.
admin-setup-submit = إنشاء حساب المالك
admin-invite-title = الانضمام إلى غرفة الأخبار
admin-invite-text = أنت مدعو بدور { $role } بالعنوان { $email }. اختر اسمك كما سيراه زملاؤك وكلمة مرور.
admin-invite-accept = إنشاء حسابي
admin-name = الاسم
admin-email = البريد الإلكتروني
admin-password = كلمة المرور
admin-password-hint = { $min } أحرف على الأقل.
admin-back = رجوع
admin-none = لا شيء
role-contributor = مساهم
role-author = كاتب
role-editor = محرر
role-admin = مدير
role-owner = مالك
status-draft = مسودة
status-in_review = قيد المراجعة
status-scheduled = مجدول
status-published = منشور
status-unpublished = مسحوب
lang-ar = العربية
lang-en = الإنجليزية
admin-headline = العنوان
admin-status = الحالة
admin-language = اللغة
admin-when = آخر تعديل
admin-created-by = أنشأه
admin-in-review = بانتظار المراجعة
admin-scheduled = مجدولة
admin-my-drafts = مسوداتي
admin-recently-published = نُشرت مؤخراً
admin-filter = تصفية
admin-search-headline = العنوان يحتوي على
admin-any = الكل
admin-section = القسم
admin-author = الكاتب
admin-authors = الكتّاب
admin-count = { $count ->
    [zero] لا مقالات
    [one] مقال واحد
    [two] مقالان
    [few] { $count } مقالات
   *[other] { $count } مقالاً
}
admin-pages = الصفحات
admin-prev = الأحدث
admin-next = الأقدم
admin-edit-title = تحرير المقال
admin-new-title = مقال جديد
admin-scheduled-for = يُنشر في { $when }
admin-view-public = عرضه على الموقع
admin-revisions = النسخ السابقة
admin-problems = أمور يجب تصحيحها
admin-story = المادة
admin-standfirst = المقدمة
admin-body = النص (ماركداون)
admin-body-hint = تُفصل الفقرات بسطر فارغ. يبدأ دور المتحدث في المقابلة باسمه بخط عريض ونقطتين: **الاسم:** السؤال. يبدأ الاقتباس بالعلامة >. الصورة: ![وصف](عنوان).
admin-details = التفاصيل
admin-kind = النوع
admin-tags = الوسوم
admin-tags-hint = تُفصل بفواصل؛ تُنشأ الوسوم الجديدة تلقائياً.
admin-author-n = الكاتب { $n }
admin-slug = الرابط المختصر
admin-slug-hint = يُصنع من العنوان إن تُرك فارغاً، ولا يتكرر في اللغة نفسها.
admin-source = المصدر
admin-source-name = نُشر أولاً في
admin-source-url = الرابط الأصلي
admin-image = الصورة الرئيسية
admin-image-file = رفع صورة
admin-image-hint = ‏JPEG أو PNG أو WebP أو GIF، بحد أقصى { $mib } ميغابايت.
admin-image-alt = وصف الصورة لمن لا يراها
admin-image-caption = التعليق
admin-image-credit = حقوق الصورة
admin-image-remove = إزالة الصورة
admin-seo = محركات البحث
admin-seo-title = العنوان لمحركات البحث (إن اختلف عن العنوان)
admin-seo-description = الوصف لمحركات البحث (إن اختلف عن المقدمة)
admin-publishing = النشر
admin-publish-at = موعد النشر (المنطقة الزمنية { $zone })
admin-save = حفظ
admin-preview = معاينة
admin-preview-hint = تظهر المعاينة هنا أثناء الكتابة.
admin-submit-review = إرسال للمراجعة
admin-schedule = جدولة
admin-publish = نشر الآن
admin-unpublish = سحب المقال
admin-correction = إضافة تصحيح
admin-correction-note = ما الخطأ وما الذي تغيّر
admin-correction-add = نشر التصحيح
admin-translation = الترجمة
admin-translation-of = المادة نفسها باللغة الأخرى
admin-translation-link = ربط الترجمة
admin-revisions-title = النسخ السابقة من «{ $headline }»
admin-back-to-editor = العودة إلى المحرر
admin-diff = التغييرات من النسخة { $from } إلى النسخة { $to }
admin-version = النسخة
admin-saved-by = حفظها
admin-actions = إجراءات
admin-current = الحالية
admin-show-changes = عرض التغييرات
admin-restore = استعادة هذه النسخة
admin-invite = دعوة زميل
admin-invite-send = إنشاء الدعوة
admin-invite-created = أُنشئت دعوة لـ { $email }. أرسل إليه هذا الرابط؛ يعمل مرة واحدة خلال { $days } أيام.
admin-invite-link = رابط الدعوة
admin-role = الدور
admin-state = الحساب
admin-change = تغيير
admin-active = نشط
admin-inactive = معطّل
admin-deactivate = تعطيل
admin-reactivate = إعادة التفعيل
admin-change-password = تغيير كلمة المرور
admin-current-password = كلمة المرور الحالية
admin-new-password = كلمة المرور الجديدة
admin-sign-out-everywhere = الخروج من كل الأجهزة
admin-sign-out-everywhere-text = ينهي كل جلسات حسابك على كل الأجهزة، بما فيها هذا الجهاز.
admin-saved = حُفظ.
admin-submitted = أُرسل للمراجعة.
admin-published = نُشر.
admin-scheduled-notice = جُدول للنشر في { $when }.
admin-unpublished = سُحب المقال: صار رابطه يجيب بأنه أُزيل.
admin-restored = استُعيدت النسخة { $version } نسخةً جديدة.
admin-corrected = نُشر التصحيح.
admin-linked = رُبطت الترجمة.
admin-password-changed = تغيّرت كلمة المرور وانتهت جلساتك الأخرى.
admin-role-changed = تغيّر الدور.
admin-deactivated = عُطّل الحساب، وبقيت مقالاته.
admin-reactivated = أُعيد تفعيل الحساب.
admin-signed-out = سجّلت خروجك.
admin-error-login = البريد الإلكتروني أو كلمة المرور غير صحيحة.
admin-error-limited = محاولات دخول فاشلة كثيرة. انتظر { $minutes } دقيقة ثم حاول مجدداً.
admin-error-csrf = انتهت صلاحية هذا النموذج (أو أُرسل من موقع آخر). أعد تحميل الصفحة وحاول مجدداً؛ لم يُحفظ شيء.
admin-error-forbidden = دورك لا يسمح بهذا.
admin-error-conflict = حفظ شخص آخر هذا المقال بعد أن فتحته. لم يُستبدل شيء: نصك ما زال أدناه. افتح المقال من جديد في نافذة أخرى ثم ادمج تعديلاتك.
admin-error-invalid = يرجى تصحيح ما يلي:
admin-error-image = لم تُقبل الصورة ولم تُخزَّن. تعديلاتك الأخرى محفوظة أدناه؛ اختر الصورة مجدداً بعد إصلاح المشكلة.
admin-error-invite = رابط الدعوة هذا استُخدم أو انتهت صلاحيته. اطلب دعوة جديدة من المدير.
admin-error-password = كلمة المرور الحالية غير صحيحة.
admin-error-publish-at = حدد تاريخاً ووقتاً في المستقبل للجدولة.
admin-error-not-found = هذا المقال غير موجود.
admin-error-failed = حدث خطأ من جهتنا ولم يتغيّر شيء. حاول مجدداً.
admin-taxonomy = الأقسام والوسوم
admin-sections = الأقسام
admin-section-new = قسم جديد
admin-section-create = إنشاء القسم
admin-name-ar = الاسم بالعربية
admin-name-en = الاسم بالإنجليزية
admin-position = الترتيب
admin-taxonomy-saved = حُفظ، وتظهر التغييرات في كل الصفحات.
admin-webhooks = الخطافات
admin-webhooks-text = يمكن إبلاغ المواقع والتطبيقات الشريكة عند نشر مقال أو تحديثه أو سحبه. كل إرسال طلب POST بصيغة JSON موقّع (الترويسة X-Arabpress-Signature: t=الوقت,v1=توقيع HMAC-SHA256 لـ "الوقت.النص" بالمفتاح السري)؛ ويُعاد المحاولة عند الفشل بفترات متزايدة حتى ٨ مرات.
admin-webhook-created = أُضيف الخطاف. يظهر مفتاح التوقيع مرة واحدة فقط: أعطه للمستقبِل الآن.
admin-webhook-secret = مفتاح التوقيع
admin-webhook-events = الأحداث
admin-webhook-log = آخر الإرسالات
admin-webhook-event = الحدث
admin-webhook-attempts = المحاولات
admin-webhook-answer = الرد
admin-webhook-next = المحاولة التالية { $when }
admin-webhook-delete = حذف هذا الخطاف
admin-webhook-new = إضافة خطاف
admin-webhook-url = عنوان المستقبِل
admin-webhook-add = إضافة الخطاف
admin-webhook-deleted = حُذف الخطاف.
webhook-queued = بالانتظار
webhook-delivered = وصل
webhook-failed = فشل
