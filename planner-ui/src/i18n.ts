/** zh-CN first, English second: every string the page shows, in both. */

export type Lang = 'zh' | 'en';

const STRINGS = {
  appName: ['巡查', 'Xuncha'],
  appTagline: ['无人机巡查与案件处置', 'drone patrols and case handling'],
  'nav.plan': ['规划', 'Plan'],
  'nav.schedule': ['排班', 'Schedule'],
  'nav.fleet': ['机队', 'Fleet'],
  'nav.review': ['研判', 'Review'],
  'nav.cases': ['案件', 'Cases'],
  'nav.stats': ['统计', 'Stats'],
  'nav.main': ['主导航', 'Main navigation'],
  'lang.switch': ['English', '中文'],
  'lang.switchLabel': ['切换到英文', 'Switch to Chinese'],
  logout: ['退出', 'Log out'],
  'login.title': ['登录', 'Log in'],
  'login.username': ['用户名', 'Username'],
  'login.password': ['密码', 'Password'],
  'login.submit': ['登录', 'Log in'],
  'login.busy': ['正在登录…', 'Logging in…'],
  'login.demo': ['演示账号（密码 xuncha-demo）', 'Demo accounts (password xuncha-demo)'],
  'demo.banner': [
    '演示模式：模拟无人机、演示数据与公开密码的演示账号，仅限本机。关闭：XUNCHA_DEMO=0',
    'Demo mode: simulated drones, demo data and demo accounts with a public password, this machine only. Turn off: XUNCHA_DEMO=0',
  ],
  'login.expired': [
    '登录已过期，请重新登录。当前页面的内容会保留。',
    'Your session expired. Log in again; this page keeps what you were doing.',
  ],
  'login.expiresSoon': ['登录将在 {min} 分钟后过期', 'Your session expires in {min} min'],
  'login.renew': ['重新登录', 'Log in again'],
  'login.throttled': ['尝试次数过多，请 {s} 秒后再试', 'Too many attempts: try again in {s} s'],
  'role.operator': ['飞手', 'operator'],
  'role.officer': ['执法人员', 'officer'],
  'role.dispatcher': ['调度员', 'dispatcher'],
  'role.admin': ['管理员', 'admin'],
  retry: ['重试', 'Retry'],
  cancel: ['取消', 'Cancel'],
  confirm: ['确认', 'Confirm'],
  close: ['关闭', 'Close'],
  save: ['保存', 'Save'],
  delete: ['删除', 'Delete'],
  edit: ['编辑', 'Edit'],
  loading: ['加载中…', 'Loading…'],
  none: ['无', 'none'],
  offline: ['无法连接服务，请检查网络后重试', 'Cannot reach the service: check the connection and retry'],
  forbidden: ['权限不足：此操作需要其他角色', 'Not allowed: this needs another role'],
  notFound: ['页面不存在', 'Page not found'],
  notFoundBody: ['地址 {path} 没有对应的页面。', 'There is no page at {path}.'],
  'map.label': ['地图', 'Map'],
  'map.basemap': ['底图', 'Basemap'],
  'map.basemapOffline': ['离线（项目图层）', 'Offline (project layers)'],
  'map.legend': ['图例', 'Legend'],
  'map.layerFailed': [
    '图层“{layer}”读取失败，地图暂不显示它：{msg}',
    'The {layer} layer could not be read and is not shown: {msg}',
  ],
  'map.noWebgl': ['此浏览器无法显示地图（需要 WebGL）', 'This browser cannot show the map (WebGL needed)'],
  'layer.river': ['河流', 'rivers'],
  'layer.farmland': ['农田', 'farmland'],
  'layer.hillside': ['山坡', 'hillsides'],
  'layer.nofly': ['禁飞区', 'no-fly zones'],
  'layer.jurisdiction': ['辖区', 'jurisdictions'],
  // plan
  'plan.title': ['巡查规划', 'Patrol plan'],
  'plan.areas': ['巡查区域', 'Areas'],
  'plan.areasHint': [
    '在地图上点击农田/山坡/河流选择区域，或绘制新区域。',
    'Click farmland, hillsides or rivers on the map, or draw a new area.',
  ],
  'plan.drawPolygon': ['绘制区域', 'Draw area'],
  'plan.drawLine': ['绘制河道线', 'Draw river line'],
  'plan.stopDrawing': ['停止绘制', 'Stop drawing'],
  'plan.clearAreas': ['清空选择', 'Clear selection'],
  'plan.selectedCount': ['已选 {n} 个区域', '{n} areas selected'],
  'plan.pattern': ['航线类型', 'Pattern'],
  'plan.pattern.survey': ['面状测绘', 'survey'],
  'plan.pattern.corridor': ['河道带状', 'corridor'],
  'plan.pattern.hillside': ['山坡仿地', 'hillside'],
  'plan.drone': ['机型', 'Drone'],
  'plan.camera': ['相机', 'Camera'],
  'plan.by': ['设定方式', 'Set by'],
  'plan.gsd': ['地面分辨率 GSD (cm)', 'GSD (cm)'],
  'plan.alt': ['离地高度 (m)', 'Height above ground (m)'],
  'plan.front': ['航向重叠 (%)', 'Front overlap (%)'],
  'plan.side': ['旁向重叠 (%)', 'Side overlap (%)'],
  'plan.speed': ['速度 (m/s)', 'Speed (m/s)'],
  'plan.name': ['计划名称', 'Plan name'],
  'plan.save': ['保存计划', 'Save plan'],
  'plan.saved': ['计划已保存', 'Plan saved'],
  'plan.export': ['导出', 'Export'],
  'plan.exportPlan': ['QGC .plan（架次 {n}）', 'QGC .plan (sortie {n})'],
  'plan.exportWpml': ['大疆航线 WPML（架次 {n}）', 'DJI WPML (sortie {n})'],
  'plan.exportKml': ['KML（奥维 / 谷歌地球）', 'KML (Ovital / Google Earth)'],
  'plan.exportKmz': ['KMZ（奥维 / 谷歌地球）', 'KMZ (Ovital / Google Earth)'],
  'plan.exportGeojson': ['GeoJSON', 'GeoJSON'],
  'plan.existing': ['打开已有计划', 'Open a plan'],
  'plan.new': ['新建', 'New'],
  'plan.planning': ['正在规划…', 'Planning…'],
  'plan.stale': ['参数已更改，正在重新规划…', 'Parameters changed, re-planning…'],
  'plan.result': ['规划结果', 'Result'],
  'plan.length': ['航程', 'Route'],
  'plan.duration': ['飞行时间', 'Flight time'],
  'plan.photos': ['照片', 'Photos'],
  'plan.sorties': ['架次（电池）', 'Sorties (batteries)'],
  'plan.coverage': ['覆盖率', 'Coverage'],
  'plan.spacing': ['航线间距', 'Lane spacing'],
  'plan.warnings': ['提示', 'Warnings'],
  'plan.noWarnings': ['无', 'none'],
  'plan.empty': ['选择或绘制区域后自动生成航线。', 'Select or draw areas and the route appears here.'],
  'plan.drawnName': ['绘制区域 {n}', 'Drawn area {n}'],
  'plan.selfIntersect': [
    '边线交叉：这一点未加入。请沿边界依次点选，不要让边相交。',
    'Edges would cross: that point was not added. Click around the boundary so no edges cross.',
  ],
  'plan.tooLarge': [
    '区域过大（{km2} km²，上限 {max} km²）：请分成几块绘制。',
    'Area too large ({km2} km², limit {max} km²): draw it in parts.',
  ],
  'plan.wrongKind': ['{pattern} 航线不能覆盖 {kind}', 'a {pattern} pattern cannot cover {kind}'],
  'plan.operatorOnly': [
    '只有飞手可以创建或修改计划；你可以查看。',
    'Only operators create or change plans; you can view them.',
  ],
  'plan.areaCreated': ['区域已保存', 'Area saved'],
  'plan.import': ['导入区域文件', 'Import an area file'],
  'plan.importHint': [
    'GeoJSON、KML、KMZ 或 Shapefile（zip）；未注明类型的区域按“{kind}”导入。请选择文件绘制时所用的坐标系。',
    'GeoJSON, KML, KMZ or a zipped Shapefile; areas without a kind are imported as “{kind}”. Choose the coordinate system the file was drawn in.',
  ],
  'plan.crs': ['坐标系', 'Coordinate system'],
  'plan.crs.wgs84': ['WGS84（GPS、奥维、Google Earth）', 'WGS84 (GPS, Ovital, Google Earth)'],
  'plan.crs.gcj02': ['GCJ-02 火星坐标（高德、腾讯）', 'GCJ-02 (AMap, Tencent)'],
  'plan.crs.bd09': ['BD-09（百度）', 'BD-09 (Baidu)'],
  'plan.importFile': ['文件', 'File'],
  'plan.importing': ['正在导入 {name}…', 'Importing {name}…'],
  'plan.imported': ['已导入 {n} 个区域并选中', '{n} areas imported and selected'],
  'plan.importedOffset': [
    '已导入 {n} 个区域，位置疑有偏移，未选中',
    '{n} areas imported, not selected: they look offset',
  ],
  'plan.importOutsideChina': [
    'GCJ-02 / BD-09 只在中国境内有定义。若文件来自 GPS、奥维或 Google Earth，请选择 WGS84 后重新导入。',
    'GCJ-02 / BD-09 are only defined inside China. If the file comes from a GPS, Ovital or Google Earth, choose WGS84 and import it again.',
  ],
  'plan.importCheckCrs': [
    '区域已导入但未选中，位置看起来有偏移：请撤销导入，在“坐标系”中选择提示的坐标系后重新导入；确认无误时可在地图上点选使用。',
    'The areas were imported but not selected, as they look offset: undo the import, choose the suggested coordinate system and import again; if they are right, select them on the map.',
  ],
  'plan.importUndo': ['撤销导入', 'Undo import'],
  'plan.importUndone': ['已删除刚导入的 {n} 个区域', 'The {n} imported areas were deleted'],
  'plan.importFixFile': [
    '文件未导入（全部或全不）。请按上面的说明修改文件后重试。',
    'Nothing was imported (all or nothing). Fix the file as described above and try again.',
  ],
  'plan.launch': ['设置起飞点', 'Set launch point'],
  'plan.patternNewPlan': [
    '已保存的计划不能更改航线类型，将新建一个计划。',
    'A saved plan keeps its pattern: this starts a new plan.',
  ],
  // schedule
  'schedule.title': ['周排班', 'Weekly schedule'],
  'schedule.drone': ['无人机', 'Drone'],
  'schedule.allDrones': ['全部无人机', 'All drones'],
  'schedule.prevWeek': ['上一周', 'Previous week'],
  'schedule.nextWeek': ['下一周', 'Next week'],
  'schedule.thisWeek': ['本周', 'This week'],
  'schedule.new': ['新建排班', 'New schedule'],
  'schedule.editing': ['编辑排班', 'Edit schedule'],
  'schedule.name': ['名称', 'Name'],
  'schedule.plan': ['巡查计划', 'Plan'],
  'schedule.days': ['星期', 'Days'],
  'schedule.time': ['起飞时间', 'Take-off time'],
  'schedule.start': ['开始日期', 'Starts on'],
  'schedule.drones': ['执行无人机', 'Drones'],
  'schedule.maxWind': ['最大风速 (m/s，可空)', 'Max wind (m/s, optional)'],
  'schedule.create': ['创建排班', 'Create schedule'],
  'schedule.update': ['保存修改', 'Save changes'],
  'schedule.created': ['排班已创建', 'Schedule created'],
  'schedule.updated': ['排班已更新', 'Schedule updated'],
  'schedule.pause': ['暂停', 'Pause'],
  'schedule.resume': ['恢复', 'Resume'],
  'schedule.paused': ['已暂停', 'paused'],
  'schedule.list': ['排班列表', 'Schedules'],
  'schedule.history': ['历史执行', 'Past occurrences'],
  'schedule.noHistory': ['暂无执行记录', 'Nothing has run yet'],
  'schedule.deleteConfirm': [
    '删除排班“{name}”？已执行的记录随之删除。',
    'Delete schedule “{name}”? Its history goes with it.',
  ],
  'schedule.needDays': ['请至少选择一天', 'Pick at least one day'],
  'schedule.needDrone': ['请至少选择一架无人机', 'Pick at least one drone'],
  'schedule.needPlan': ['请选择巡查计划（先在“规划”中创建）', 'Pick a plan (create one under Plan first)'],
  'outcome.pending': ['待执行', 'pending'],
  'outcome.flown': ['已飞行', 'flown'],
  'outcome.skipped': ['已跳过', 'skipped'],
  'outcome.failed': ['失败', 'failed'],
  'outcome.upcoming': ['计划中', 'upcoming'],
  // fleet
  'fleet.title': ['机队', 'Fleet'],
  'fleet.live': ['实时', 'live'],
  'fleet.connecting': ['正在连接…', 'connecting…'],
  'fleet.reconnecting': ['连接中断，正在重连…', 'connection lost, reconnecting…'],
  'fleet.closed': ['实时数据已停止', 'live data stopped'],
  'fleet.offline': ['离线', 'offline'],
  'fleet.online': ['在线', 'online'],
  'fleet.armed': ['已解锁', 'armed'],
  'fleet.battery': ['电量', 'Battery'],
  'fleet.mode': ['模式', 'Mode'],
  // flight modes as the drone link names them (ArduPilot and PX4 alike)
  'mode.mission': ['自动航线', 'mission'],
  'mode.guided': ['引导', 'guided'],
  'mode.rtl': ['返航', 'return to launch'],
  'mode.land': ['降落', 'land'],
  'mode.takeoff': ['起飞', 'take-off'],
  'mode.hold': ['悬停', 'hold'],
  'mode.brake': ['刹车', 'brake'],
  'mode.position': ['定点', 'position'],
  'mode.alt_hold': ['定高', 'altitude hold'],
  'mode.stabilize': ['自稳', 'stabilize'],
  'mode.acro': ['特技', 'acro'],
  'mode.manual': ['手动', 'manual'],
  'mode.offboard': ['外部控制', 'offboard'],
  'fleet.heading': ['航向', 'Heading'],
  'fleet.speed': ['速度', 'Speed'],
  'fleet.altitude': ['相对高度', 'Altitude'],
  'fleet.progress': ['任务进度', 'Mission progress'],
  'fleet.noDrones': ['还没有登记无人机。', 'No drones registered yet.'],
  'fleet.connect': ['连接', 'Connect'],
  'fleet.missions': ['任务', 'Missions'],
  'fleet.newMission': ['从计划创建任务', 'New mission from a plan'],
  'fleet.sortie': ['架次', 'Sortie'],
  'fleet.create': ['创建任务', 'Create mission'],
  'fleet.track': ['显示飞行轨迹', 'Show flown track'],
  'fleet.noTrack': ['这架无人机还没有飞行记录', 'This drone has not flown yet'],
  'fleet.confirmAction': ['确认对“{drone}”执行：{action}？', 'Send “{action}” to {drone}?'],
  'fleet.actionSent': ['已发送：{action}', 'Sent: {action}'],
  'action.upload': ['上传航线', 'Upload'],
  'action.start': ['起飞执行', 'Start'],
  'action.pause': ['暂停', 'Pause'],
  'action.continue': ['继续', 'Continue'],
  'action.rtl': ['返航', 'Return to launch'],
  'action.abort': ['中止', 'Abort'],
  'mission.planned': ['已计划', 'planned'],
  'mission.uploading': ['上传中', 'uploading'],
  'mission.uploaded': ['已上传', 'uploaded'],
  'mission.flying': ['飞行中', 'flying'],
  'mission.interrupted': ['已中断', 'interrupted'],
  'mission.completed': ['已完成', 'completed'],
  'mission.failed': ['失败', 'failed'],
  // review
  'review.title': ['照片研判', 'Photo review'],
  'review.empty': ['没有待研判的照片', 'Nothing to review'],
  'review.confirm': ['确认 (Y)', 'Confirm (Y)'],
  'review.reject': ['误报 (N)', 'Reject (N)'],
  'review.reclass': ['改类别 (1/2/3)', 'Change class (1/2/3)'],
  'review.prev': ['上一张 (K)', 'Previous (K)'],
  'review.next': ['下一张 (J)', 'Next (J)'],
  'review.shortcuts': ['快捷键', 'Shortcuts'],
  'review.position': ['第 {i} / {n} 张', '{i} of {n}'],
  'review.photo': ['照片', 'Photo'],
  'review.location': ['位置', 'Location'],
  'review.queue': ['待研判队列', 'Review queue'],
  'review.waiting': ['待研判 {n} 件', '{n} waiting'],
  'review.loadMore': ['加载更多', 'Load more'],
  'review.filters': ['筛选', 'Filters'],
  'review.filterState': ['状态', 'Status'],
  'review.filterClass': ['类别', 'Class'],
  'review.filterMinScore': ['最低置信度 (%)', 'Min. confidence (%)'],
  'review.filterFlight': ['架次', 'Flight'],
  'review.allClasses': ['全部类别', 'All classes'],
  'review.allFlights': ['全部架次', 'All flights'],
  'review.matching': ['符合条件 {n} 件', '{n} matching'],
  'review.state.to_review': ['待研判', 'to review'],
  'review.state.confirmed': ['已确认', 'confirmed'],
  'review.state.rejected': ['已驳回', 'rejected'],
  'review.state.auto_filed': ['自动立案', 'auto-filed'],
  'review.state.all': ['全部状态', 'all'],
  'review.confidence': ['置信度', 'Confidence'],
  'review.seen': ['发现时间', 'Seen'],
  'review.photos': ['照片 {p} 张，检测 {d} 处', '{p} photos, {d} detections'],
  'review.modelSaid': ['模型原判：{c}', 'model said: {c}'],
  'review.errorM': ['定位误差约 {m} 米', 'position error about {m} m'],
  'review.noPhoto': ['此事件没有可显示的照片', 'No photo to show for this incident'],
  'review.filed': ['已立案：{id}', 'Case filed: {id}'],
  'review.attached': ['已并入案件：{id}', 'Added to case: {id}'],
  'review.rejected': ['已驳回为误报', 'Rejected as a false positive'],
  'review.reclassed': ['已改为「{c}」，仍待研判', 'Changed to “{c}”; still to review'],
  'review.rejectTitle': ['驳回此事件', 'Reject this incident'],
  'review.reason': ['原因', 'Reason'],
  'review.note': ['说明（选“其他”时必填）', 'Note (required for “other”)'],
  'review.noteRequired': ['选择“其他”时请填写说明', 'Please add a note for “other”'],
  'review.reason.false_positive': ['误报', 'false positive'],
  'review.reason.duplicate': ['重复', 'duplicate'],
  'review.reason.not_actionable': ['无需处置', 'not actionable'],
  'review.reason.other': ['其他', 'other'],
  'review.openCase': ['查看案件', 'Open case'],
  'review.drone': ['拍摄位置', 'Camera position'],
  // cases
  'cases.title': ['案件', 'Cases'],
  'cases.filters': ['筛选', 'Filters'],
  'cases.state': ['状态', 'State'],
  'cases.allStates': ['全部状态', 'all states'],
  'cases.openStates': ['办理中', 'open'],
  'cases.category': ['类别', 'Category'],
  'cases.allCategories': ['全部类别', 'all categories'],
  'cases.search': ['搜索编号或地址', 'Search id or address'],
  'cases.count': ['{n} 件', '{n} cases'],
  'cases.due': ['时限', 'Due'],
  'cases.overdue': ['超时 {t}', 'overdue {t}'],
  'cases.remaining': ['剩余 {t}', '{t} left'],
  'cases.noDue': ['—', '—'],
  'cases.detail': ['案件详情', 'Case detail'],
  'cases.timeline': ['处置记录', 'Audit timeline'],
  'cases.actions': ['可执行操作', 'Actions'],
  'cases.noActions': ['当前状态下你没有可执行的操作。', 'Nothing for your role to do in this state.'],
  'cases.note': ['说明', 'Note'],
  'cases.noteRequired': ['此操作需要填写说明', 'This action needs a note'],
  'cases.done': ['已执行：{action}', 'Done: {action}'],
  'cases.conflict': [
    '案件已被他人更新，已刷新为最新状态，请再确认。',
    'Someone else changed this case; it is reloaded — check and try again.',
  ],
  'cases.evidence': ['证据', 'Evidence'],
  'cases.noEvidence': ['无无人机证据照片（人工上报）', 'No drone evidence photos (reported by a person)'],
  'cases.department': ['承办部门', 'Department'],
  'cases.assist': ['协办部门', 'Assisting'],
  'cases.source': ['来源', 'Source'],
  'cases.severity': ['紧急程度', 'Severity'],
  'cases.urgent': ['紧急', 'urgent'],
  'cases.normal': ['一般', 'normal'],
  'cases.created': ['上报时间', 'Reported'],
  'cases.escalation': ['督办级别', 'Escalation'],
  'cases.address': ['地址', 'Address'],
  'cases.select': ['在列表或地图上选择一个案件。', 'Pick a case in the list or on the map.'],
  'cases.legend.overdue': ['已超时', 'overdue'],
  'cases.legend.soon': ['即将超时', 'due soon'],
  'cases.legend.ok': ['时限内', 'on time'],
  'state.new': ['待受理', 'new'],
  'state.accepted': ['已受理', 'accepted'],
  'state.dispatched': ['已派遣', 'dispatched'],
  'state.in_progress': ['处置中', 'in progress'],
  'state.resolved': ['已办结', 'resolved'],
  'state.verified': ['已核查', 'verified'],
  'state.closed': ['已结案', 'closed'],
  'state.rejected': ['误报驳回', 'rejected'],
  'caseAction.accept': ['受理', 'Accept'],
  'caseAction.reject': ['误报驳回', 'Reject as false positive'],
  'caseAction.dispatch': ['派遣', 'Dispatch'],
  'caseAction.start': ['开始处置', 'Start work'],
  'caseAction.return': ['退单', 'Return'],
  'caseAction.resolve': ['办结', 'Resolve'],
  'caseAction.verify': ['核查通过', 'Verify'],
  'caseAction.close': ['结案', 'Close'],
  'caseAction.reopen': ['重新打开', 'Reopen'],
  'caseAction.escalate': ['升级督办', 'Escalate'],
  'event.file': ['上报', 'filed'],
  'event.attach': ['合并上报', 'report attached'],
  'event.escalate': ['督办升级', 'escalated'],
  'event.reassign': ['改派', 'reassigned'],
  'event.level': ['升级处置层级', 'level raised'],
  'source.drone': ['无人机巡查', 'drone patrol'],
  'source.hotline': ['12345 热线', '12345 hotline'],
  'source.citizen': ['群众上报', 'citizen'],
  'source.grid_worker': ['网格员', 'grid worker'],
  'source.manual': ['人工录入', 'manual'],
  'source.open311': ['Open311 接口', 'Open311'],
  'category.straw_burning': ['秸秆焚烧', 'straw burning'],
  'category.sewage_outfall': ['河道排污', 'sewage outfall'],
  'category.exposed_slope': ['山体裸露', 'exposed slope'],
  // stats
  'stats.title': ['统计', 'Statistics'],
  'stats.from': ['开始', 'From'],
  'stats.to': ['结束', 'To'],
  'stats.apply': ['查询', 'Show'],
  'stats.filed': ['上报', 'Filed'],
  'stats.closure': ['办结率', 'Closure rate'],
  'stats.acceptOnTime': ['按时受理率', 'Accepted on time'],
  'stats.dispatchOnTime': ['按时派遣率', 'Dispatched on time'],
  'stats.resolveOnTime': ['按时办结率', 'Resolved on time'],
  'stats.byDepartment': ['各部门', 'By department'],
  'stats.byCategory': ['各类别', 'By category'],
  'stats.exportCsv': ['导出 CSV', 'Export CSV'],
  'stats.exportXlsx': ['导出 Excel', 'Export XLSX'],
  'stats.detections': ['各类别每日检测数', 'Detections by class per day'],
  'stats.detectionsHint': [
    '按照片拍摄日期（中国时间）统计模型检测到的目标；括号内为已确认立案数。',
    'What the model found, by the day the photo was taken (China time); confirmed in brackets.',
  ],
  'stats.noDetections': ['此期间没有检测结果', 'No detections in this period'],
  'stats.day': ['日期', 'Day'],
  'stats.confirmed': ['已确认', 'confirmed'],
  'stats.noData': ['此期间没有案件', 'No cases in this period'],
  'stats.badRange': ['开始日期须早于结束日期', 'The start must be before the end'],
} as const satisfies Record<string, readonly [string, string]>;

export type StringKey = keyof typeof STRINGS;

let lang: Lang = readLang();
const listeners = new Set<() => void>();

function readLang(): Lang {
  try {
    return localStorage.getItem('xuncha.lang') === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function currentLang(): Lang {
  return lang;
}

export function setLang(l: Lang): void {
  lang = l;
  try {
    localStorage.setItem('xuncha.lang', l);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  for (const f of listeners) f();
}

export function onLangChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Whether the app has a string for this key (labels of values the service may add later). */
export function hasString(key: string): key is StringKey {
  return Object.hasOwn(STRINGS, key);
}

/** The string in the current language, with `{name}` placeholders filled. */
export function t(key: StringKey, params: Record<string, string | number> = {}): string {
  const s = STRINGS[key][lang === 'zh' ? 0 : 1];
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

/**
 * The service writes messages as "中文 / English". Shows the half in the current language (the whole message when
 * it has no such split).
 */
export function localize(message: string): string {
  const i = message.indexOf(' / ');
  if (i < 0) return message;
  const zh = message.slice(0, i).trim();
  const en = message.slice(i + 3).trim();
  return lang === 'zh' ? zh : en;
}

/** Formats numbers and times in the current language's conventions. */
export const fmt = {
  int: (n: number) => new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en').format(Math.round(n)),
  pct: (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${(n * 100).toFixed(1)}%`),
  km: (m: number) => `${(m / 1000).toFixed(m < 10_000 ? 2 : 1)} km`,
  duration: (s: number) => {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return lang === 'zh' ? (h ? `${h} 小时 ${m} 分` : `${m} 分钟`) : h ? `${h} h ${m} min` : `${m} min`;
  },
  /** In China time whatever the browser's zone; `seconds` where photos a second apart must be told apart. */
  dateTime: (iso: string | Date, seconds = false) =>
    new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
    }),
};
