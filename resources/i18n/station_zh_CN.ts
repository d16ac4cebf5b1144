<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApplicantForm</name>
    <message>
        <source>Document type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Name in pinyin</source>
        <translation>姓名拼音</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Date of birth (YYYY-MM-DD)</source>
        <translation>出生日期（年-月-日）</translation>
    </message>
    <message>
        <source>Ethnicity</source>
        <translation>民族</translation>
    </message>
    <message>
        <source>Nationality</source>
        <translation>国籍</translation>
    </message>
    <message>
        <source>Issuing authority</source>
        <translation>发证机关</translation>
    </message>
    <message>
        <source>Valid from (YYYY-MM-DD)</source>
        <translation>有效期起（年-月-日）</translation>
    </message>
    <message>
        <source>Valid until (YYYY-MM-DD or 长期)</source>
        <translation>有效期止（年-月-日或长期）</translation>
    </message>
    <message>
        <source>Mobile phone</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>通讯地址</translation>
    </message>
    <message>
        <source>Occupation</source>
        <translation>职业</translation>
    </message>
    <message>
        <source>Card type</source>
        <translation>卡类别</translation>
    </message>
    <message>
        <source>Photo receipt number</source>
        <translation>相片回执号</translation>
    </message>
    <message>
        <source>Employer</source>
        <translation>单位名称</translation>
    </message>
    <message>
        <source>Social security number</source>
        <translation>社保登记号</translation>
    </message>
    <message>
        <source>Household address</source>
        <translation>户籍地址</translation>
    </message>
    <message>
        <source>Agent (if any)</source>
        <translation>代办人（如有）</translation>
    </message>
    <message>
        <source>Agent's document number</source>
        <translation>代办人证件号码</translation>
    </message>
    <message>
        <source>Agent's phone</source>
        <translation>代办人电话</translation>
    </message>
    <message>
        <source>Urban</source>
        <translation>城镇</translation>
    </message>
    <message>
        <source>Rural</source>
        <translation>农村</translation>
    </message>
    <message>
        <source>Issued by this station when you save.</source>
        <translation>保存时由本站签发。</translation>
    </message>
    <message>
        <source>Several readings are possible: check the spelling with the applicant.</source>
        <translation>有多音字：请与申领人核对拼音。</translation>
    </message>
</context>
<context>
    <name>CapturePage</name>
    <message>
        <source>Take photo
(Space)</source>
        <translation>拍照
（空格）</translation>
    </message>
    <message>
        <source>Auto-capture when all lights are green</source>
        <translation>全部绿灯时自动拍照</translation>
    </message>
    <message>
        <source>Mirrored preview</source>
        <translation>镜像预览</translation>
    </message>
    <message>
        <source>Photo from a file…</source>
        <translation>从文件制作照片…</translation>
    </message>
    <message>
        <source>Reconnect camera (F5)</source>
        <translation>重连摄像头（F5）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Keys&lt;/b&gt;&lt;br&gt;Space: take photo&lt;br&gt;Enter: accept&lt;br&gt;Esc: retake&lt;br&gt;Ctrl+O: photo from file&lt;br&gt;Ctrl+M: mirror&lt;br&gt;F5: reconnect&lt;br&gt;Ctrl+1…5: pages</source>
        <translation>&lt;b&gt;快捷键&lt;/b&gt;&lt;br&gt;空格：拍照&lt;br&gt;回车：接受&lt;br&gt;Esc：重拍&lt;br&gt;Ctrl+O：从文件制作&lt;br&gt;Ctrl+M：镜像&lt;br&gt;F5：重连摄像头&lt;br&gt;Ctrl+1…5：切换页面</translation>
    </message>
    <message>
        <source>Taking the photo in %1 s</source>
        <translation>%1 秒后自动拍照</translation>
    </message>
    <message>
        <source>All green: hold still…</source>
        <translation>全部通过：请保持不动…</translation>
    </message>
</context>
<context>
    <name>CardPanel</name>
    <message>
        <source>Card</source>
        <translation>制卡</translation>
    </message>
    <message>
        <source>Encode card (Ctrl+E)</source>
        <translation>写卡（Ctrl+E）</translation>
    </message>
    <message>
        <source>Encode card</source>
        <translation>写卡</translation>
    </message>
    <message>
        <source>Reader: checking…</source>
        <translation>读卡器：正在检测…</translation>
    </message>
    <message>
        <source>Card encoding is unavailable: %1</source>
        <translation>制卡功能暂不可用：%1</translation>
    </message>
    <message>
        <source>Reader: %1</source>
        <translation>读卡器：%1</translation>
    </message>
    <message>
        <source>Card reader %1 not found.</source>
        <translation>未找到读卡器 %1。</translation>
    </message>
    <message>
        <source>No card reader found.</source>
        <translation>未找到读卡器。</translation>
    </message>
    <message>
        <source>card inserted</source>
        <translation>已插卡</translation>
    </message>
    <message>
        <source>card removed</source>
        <translation>卡已拔出</translation>
    </message>
    <message>
        <source>reader connected</source>
        <translation>读卡器已连接</translation>
    </message>
    <message>
        <source>reader disconnected</source>
        <translation>读卡器已断开</translation>
    </message>
    <message>
        <source>Save the enrollment first.</source>
        <translation>请先保存登记。</translation>
    </message>
    <message>
        <source>Submit the application first.</source>
        <translation>请先提交制卡申请。</translation>
    </message>
    <message>
        <source>Encoding… keep the card in the reader.</source>
        <translation>正在写卡…请勿拔卡。</translation>
    </message>
    <message>
        <source>Card encoded: %1 (%2 APDUs, %3 s)</source>
        <translation>写卡成功：%1（%2 条指令，%3 秒）</translation>
    </message>
    <message>
        <source>Not encoded: %1</source>
        <translation>写卡失败：%1</translation>
    </message>
</context>
<context>
    <name>CrashHandler</name>
    <message numerus="yes">
        <source>%n error(s) so far. The last: %1</source>
        <translation><numerusform>已发生 %n 个错误。最近一个：%1</numerusform></translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong. Your work is saved as a draft; the details are in the log.</source>
        <translation>程序出错。您的录入已保存为草稿，详情见日志。</translation>
    </message>
</context>
<context>
    <name>EnrollPage</name>
    <message>
        <source>Document number or name</source>
        <translation>证件号码或姓名</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>New applicant (Ctrl+N)</source>
        <translation>新建申领人（Ctrl+N）</translation>
    </message>
    <message>
        <source>Find applicant:</source>
        <translation>查找申领人：</translation>
    </message>
    <message>
        <source>Take the photo (Ctrl+1)</source>
        <translation>去拍照（Ctrl+1）</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Save enrollment (Ctrl+S)</source>
        <translation>保存登记（Ctrl+S）</translation>
    </message>
    <message>
        <source>No application yet.</source>
        <translation>尚未建立申请。</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>公安比对值</translation>
    </message>
    <message>
        <source>Collected</source>
        <translation>采集值</translation>
    </message>
    <message>
        <source>Mark</source>
        <translation>比对</translation>
    </message>
    <message>
        <source>Six-item comparison</source>
        <translation>六项比对</translation>
    </message>
    <message>
        <source>Print (preview first)</source>
        <translation>打印（先预览）</translation>
    </message>
    <message>
        <source>Application form</source>
        <translation>申领登记表</translation>
    </message>
    <message>
        <source>Confirmation form</source>
        <translation>信息确认表</translation>
    </message>
    <message>
        <source>Photo receipt</source>
        <translation>相片回执</translation>
    </message>
    <message>
        <source>Submit for the card</source>
        <translation>提交制卡</translation>
    </message>
    <message>
        <source>Save enrollment</source>
        <translation>保存登记</translation>
    </message>
    <message>
        <source>New applicant</source>
        <translation>新建申领人</translation>
    </message>
    <message>
        <source>Find applicant</source>
        <translation>查找申领人</translation>
    </message>
    <message>
        <source>Print application form</source>
        <translation>打印申领登记表</translation>
    </message>
    <message>
        <source>Save the enrollment first.</source>
        <translation>请先保存登记。</translation>
    </message>
    <message>
        <source>Accepted photo attached.</source>
        <translation>已附上合格照片。</translation>
    </message>
    <message>
        <source>Accepted photo: it is attached when you save.</source>
        <translation>已有合格照片：保存时自动附上。</translation>
    </message>
    <message>
        <source>No photo</source>
        <translation>无照片</translation>
    </message>
    <message>
        <source>No accepted photo yet.</source>
        <translation>尚无合格照片。</translation>
    </message>
    <message>
        <source>An unsaved draft was restored.</source>
        <translation>已恢复上次未保存的草稿。</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>有未保存的修改</translation>
    </message>
    <message>
        <source>The form has changes that are not saved. Discard them?</source>
        <translation>表单中有尚未保存的修改。要放弃这些修改吗？</translation>
    </message>
    <message>
        <source>No applicant with this number: fill in a new one.</source>
        <translation>未找到该证件号码：请填写新申领人。</translation>
    </message>
    <message>
        <source>%1 people found: choose one.</source>
        <translation>找到 %1 人，请选择一位。</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>Saved. Retrieval code %1.</source>
        <translation>已保存。检索码 %1。</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Photo not attached</source>
        <translation>照片未附上</translation>
    </message>
    <message>
        <source>No active application.</source>
        <translation>没有进行中的申请。</translation>
    </message>
    <message>
        <source>Application %1 · retrieval code %2 · status %3</source>
        <translation>申请 %1 · 检索码 %2 · 状态 %3</translation>
    </message>
    <message>
        <source>Not submitted</source>
        <translation>未提交</translation>
    </message>
    <message>
        <source>Preparing the form…</source>
        <translation>正在生成表格…</translation>
    </message>
    <message>
        <source>The form is saved as %1.</source>
        <translation>表格已保存为 %1。</translation>
    </message>
    <message>
        <source>Not printed. The form is saved as %1.</source>
        <translation>未打印。表格已保存为 %1。</translation>
    </message>
    <message>
        <source>Printed to %1.</source>
        <translation>已打印到 %1。</translation>
    </message>
    <message>
        <source>Press the print button to try again.</source>
        <translation>请再按打印按钮重试。</translation>
    </message>
    <message>
        <source>Printing failed</source>
        <translation>打印失败</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>Create the first administrator</source>
        <translation>创建第一个管理员</translation>
    </message>
    <message>
        <source>This station has no operator accounts yet. Create the administrator account now: from then on everyone logs in, and the administrator adds the others.</source>
        <translation>本工作站还没有操作员账号。请现在创建管理员账号：此后每个人都需登录，由管理员添加其他操作员。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name shown</source>
        <translation>显示姓名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Operator login</source>
        <translation>操作员登录</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Social security card photo and enrollment station</source>
        <translation>社会保障卡照片采集与制卡工作站</translation>
    </message>
    <message>
        <source>① Capture</source>
        <translation>① 拍照</translation>
    </message>
    <message>
        <source>② Review</source>
        <translation>② 审核</translation>
    </message>
    <message>
        <source>③ Enrollment</source>
        <translation>③ 登记</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>记录查询</translation>
    </message>
    <message>
        <source>Retake queue</source>
        <translation>重拍队列</translation>
    </message>
    <message>
        <source>camera: starting</source>
        <translation>摄像头：正在启动</translation>
    </message>
    <message>
        <source>Enrollment is not available in this build yet.</source>
        <translation>此版本暂不提供登记功能。</translation>
    </message>
    <message>
        <source>Records are not available.</source>
        <translation>记录功能不可用。</translation>
    </message>
    <message>
        <source>The retake queue is not available.</source>
        <translation>重拍队列不可用。</translation>
    </message>
    <message>
        <source>Take photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <source>Accept photo</source>
        <translation>接受照片</translation>
    </message>
    <message>
        <source>Retake</source>
        <translation>重拍</translation>
    </message>
    <message>
        <source>Whiten background</source>
        <translation>背景白化</translation>
    </message>
    <message>
        <source>Photo from a file…</source>
        <translation>从文件制作照片…</translation>
    </message>
    <message>
        <source>Mirror preview</source>
        <translation>镜像预览</translation>
    </message>
    <message>
        <source>Reconnect camera</source>
        <translation>重连摄像头</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Save the accepted photo as…</source>
        <translation>另存合格照片…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <source>&amp;Station</source>
        <translation>工作站(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Photo</source>
        <translation>照片(&amp;P)</translation>
    </message>
    <message>
        <source>Crop adjustment needs the crop solver.</source>
        <translation>调整裁剪需要裁剪模块。</translation>
    </message>
    <message>
        <source>camera error</source>
        <translation>摄像头故障</translation>
    </message>
    <message>
        <source>camera: reconnecting</source>
        <translation>摄像头：正在重连</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>正在重连…</translation>
    </message>
    <message>
        <source>No camera picture yet.</source>
        <translation>摄像头还没有画面。</translation>
    </message>
    <message>
        <source>Making the photo…</source>
        <translation>正在制作照片…</translation>
    </message>
    <message>
        <source>The photo could not be made</source>
        <translation>无法制作照片</translation>
    </message>
    <message>
        <source>Photo from a file</source>
        <translation>从文件制作照片</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.bmp)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.bmp)</translation>
    </message>
    <message>
        <source>Photo accepted.</source>
        <translation>照片已接受。</translation>
    </message>
    <message>
        <source>Save photo</source>
        <translation>保存照片</translation>
    </message>
    <message>
        <source>Photo not saved</source>
        <translation>照片未保存</translation>
    </message>
    <message>
        <source>Photo saved as %1.</source>
        <translation>照片已保存为 %1。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Only a supervisor or an administrator can change the settings.</source>
        <translation>只有主管或管理员可以修改设置。</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1失败</translation>
    </message>
    <message>
        <source>no printer</source>
        <translation>未设打印机</translation>
    </message>
    <message>
        <source>reader: unavailable</source>
        <translation>读卡器：不可用</translation>
    </message>
    <message>
        <source>no reader</source>
        <translation>无读卡器</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <source>database: opening</source>
        <translation>数据库：正在打开</translation>
    </message>
    <message>
        <source>database error</source>
        <translation>数据库故障</translation>
    </message>
    <message>
        <source>The database cannot be opened</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <source>maintenance failed</source>
        <translation>维护失败</translation>
    </message>
    <message>
        <source>no operator accounts</source>
        <translation>无操作员账号</translation>
    </message>
    <message>
        <source>not logged in</source>
        <translation>未登录</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <source>Print preview - %1</source>
        <translation>打印预览 - %1</translation>
    </message>
    <message>
        <source>Printer: %1</source>
        <translation>打印机：%1</translation>
    </message>
    <message>
        <source>Pages: %1</source>
        <translation>共 %1 页</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>RecordsBrowser</name>
    <message>
        <source>Name, pinyin or document number</source>
        <translation>姓名、拼音或证件号码</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Pinyin</source>
        <translation>拼音</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Retrieval code</source>
        <translation>检索码</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation>共 %1 条</translation>
    </message>
</context>
<context>
    <name>RetakeQueuePage</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Retake the photo of the selected record</source>
        <translation>为所选记录重拍照片</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <source>%1 record(s) to retake</source>
        <translation>%1 条记录需要重拍</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Check</source>
        <translation>检测项</translation>
    </message>
    <message>
        <source>Measured</source>
        <translation>测量值</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>要求</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Accept (Enter)</source>
        <translation>接受（回车）</translation>
    </message>
    <message>
        <source>Retake (Esc)</source>
        <translation>重拍（Esc）</translation>
    </message>
    <message>
        <source>Adjust crop</source>
        <translation>调整裁剪</translation>
    </message>
    <message>
        <source>Whiten background (Ctrl+W)</source>
        <translation>背景白化（Ctrl+W）</translation>
    </message>
    <message>
        <source>Actual size (358 × 441)</source>
        <translation>实际大小（358 × 441）</translation>
    </message>
    <message>
        <source>Zoomed</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Compliant — %1 KB</source>
        <translation>合格 — %1 KB</translation>
    </message>
    <message>
        <source>Not compliant: %1 problem(s) — retake or adjust</source>
        <translation>不合格：%1 个问题 — 请重拍或调整</translation>
    </message>
    <message>
        <source>Background whitening was used.</source>
        <translation>已使用背景白化。</translation>
    </message>
    <message>
        <source>The top of the hair was cut so that the eye line holds.</source>
        <translation>为保证眼睛位置，头顶头发被裁去一部分。</translation>
    </message>
    <message>
        <source>Only a compliant photo can be accepted.</source>
        <translation>只能接受合格的照片。</translation>
    </message>
    <message>
        <source>Only a photo made from a larger picture can be re-cropped.</source>
        <translation>只有从较大的原图制作的照片才能重新裁剪。</translation>
    </message>
    <message>
        <source>No face was measured on this picture.</source>
        <translation>此图片未测量到人脸。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>'demo', a device number, or a folder the studio camera writes into</source>
        <translation>“demo”、摄像头编号，或影楼相机写入的文件夹</translation>
    </message>
    <message>
        <source>(system default)</source>
        <translation>（系统默认）</translation>
    </message>
    <message>
        <source>Photo profile</source>
        <translation>照片规格</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Camera resolution</source>
        <translation>摄像头分辨率</translation>
    </message>
    <message>
        <source>Mirrored preview</source>
        <translation>镜像预览</translation>
    </message>
    <message>
        <source>Auto-capture after N green frames</source>
        <translation>连续全绿帧数后自动拍照</translation>
    </message>
    <message>
        <source>Auto-capture countdown (s)</source>
        <translation>自动拍照倒计时（秒）</translation>
    </message>
    <message>
        <source>Language (after restart)</source>
        <translation>界面语言（重启后生效）</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Card reader</source>
        <translation>读卡器</translation>
    </message>
    <message>
        <source>Allow virtual readers (training)</source>
        <translation>允许虚拟读卡器（培训用）</translation>
    </message>
    <message>
        <source>Station code</source>
        <translation>网点代码</translation>
    </message>
    <message>
        <source>Station / studio name</source>
        <translation>网点 / 影楼名称</translation>
    </message>
    <message>
        <source>Initial PIN rule</source>
        <translation>初始密码规则</translation>
    </message>
    <message>
        <source>Card city code</source>
        <translation>城市代码</translation>
    </message>
    <message>
        <source>Keep originals (days)</source>
        <translation>原图保留天数</translation>
    </message>
    <message>
        <source>The station code has 6 digits.</source>
        <translation>网点代码为 6 位数字。</translation>
    </message>
    <message>
        <source>The initial PIN rule is 'fixed:NNNNNN' or 'id-last6'.</source>
        <translation>初始密码规则为“fixed:NNNNNN”或“id-last6”。</translation>
    </message>
    <message>
        <source>The card city code has 3 digits.</source>
        <translation>城市代码为 3 位数字。</translation>
    </message>
</context>
<context>
    <name>StationStatusBar</name>
    <message>
        <source>operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>camera: starting</source>
        <translation>摄像头：正在启动</translation>
    </message>
    <message>
        <source>printer: checking…</source>
        <translation>打印机：检测中…</translation>
    </message>
    <message>
        <source>reader: checking…</source>
        <translation>读卡器：检测中…</translation>
    </message>
    <message>
        <source>database: opening</source>
        <translation>数据库：正在打开</translation>
    </message>
</context>
</TS>