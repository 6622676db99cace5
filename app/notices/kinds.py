"""The built-in notice templates (N1), written in Chinese as the office posts them: what each one
fills in first. The supervisor changes any of it before publishing."""

from __future__ import annotations

from app.i18n import lazy

KINDS: dict[str, str] = {
    "holiday": lazy("Holiday hours"),
    "weather": lazy("Typhoon or heavy rain"),
    "outage": lazy("Water or power outage"),
    "fees": lazy("Fee reminder"),
    "general": lazy("Other notice"),
}

# Seed 000: the National Day notice (住户服务中心“十一国慶節”假期温馨提示).
_HOLIDAY_BODY = (
    "尊敬的各位业主/住户：\n您们好！\n"
    "“十一”国庆节黄金假期将至，首先恭祝各位业主/住户节日快乐！假期期间，我司将安排工作人员值班，"
    "以便为各位业主/住户提供周到优质的服务，同时将加强小区安全防范工作，确保全体业主度过一个平安、快乐的假期。\n"
    "随着节日的临近，部分业主/住户可能会外出旅游或返乡与家人欢度节日，在此，我们真诚地给予您温馨提示，临出门前要注意："
)
_HOLIDAY_CHECKLIST = "关闭好煤气阀门\n关闭好各类电源开关\n关闭好各处门窗\n关闭好所有水阀"

DEFAULTS: dict[str, dict[str, str]] = {
    "holiday": {
        "title": "“十一”国庆节假期温馨提示",
        "body": _HOLIDAY_BODY,
        "checklist": _HOLIDAY_CHECKLIST,
        "hours": "早上08:30-12:00，下午14:30-18:00",
    },
    "weather": {
        "title": "防台风、防暴雨温馨提示",
        "body": (
            "尊敬的各位业主/住户：\n据气象台预报，近期将有台风（暴雨）影响本市。为保障您的生命财产安全，请做好防范："
        ),
        "checklist": (
            "关好门窗，收回阳台、窗台上的花盆和杂物\n检查阳台、露台排水口是否畅通\n"
            "车辆请勿停放在低洼处\n非必要不外出，远离广告牌、大树"
        ),
        "hours": "",
    },
    "outage": {
        "title": "停水（停电）通知",
        "body": (
            "尊敬的各位业主/住户：\n因供水（供电）设施检修，届时将暂停供水（供电），"
            "由此带来的不便敬请谅解。请提前做好储水等准备。"
        ),
        "checklist": "提前储备生活用水\n停电期间请关闭家用电器开关\n请勿乘坐电梯",
        "hours": "",
    },
    "fees": {
        "title": "物业服务费缴纳温馨提示",
        "body": (
            "尊敬的各位业主/住户：\n本期物业服务费已开始收取，请于下列日期前到客户服务中心缴纳。"
            "感谢您对我们工作的支持！"
        ),
        "checklist": "",
        "hours": "早上08:30-12:00，下午14:30-18:00",
    },
    "general": {"title": "", "body": "尊敬的各位业主/住户：\n", "checklist": "", "hours": ""},
}
