package dev.softswitch.gateway.routing;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;

/** The class of a dialled number, as libphonenumber's numbering-plan metadata tells it. */
public enum NumberType {
    FIXED_LINE, MOBILE, FIXED_LINE_OR_MOBILE, TOLL_FREE, PREMIUM_RATE, SHARED_COST, UAN, VOICEMAIL, VOIP,
    PERSONAL_NUMBER, PAGER, UNKNOWN;

    static NumberType of(PhoneNumberType type) {
        switch (type) {
            case FIXED_LINE: return FIXED_LINE;
            case MOBILE: return MOBILE;
            case FIXED_LINE_OR_MOBILE: return FIXED_LINE_OR_MOBILE;
            case TOLL_FREE: return TOLL_FREE;
            case PREMIUM_RATE: return PREMIUM_RATE;
            case SHARED_COST: return SHARED_COST;
            case UAN: return UAN;
            case VOICEMAIL: return VOICEMAIL;
            case VOIP: return VOIP;
            case PERSONAL_NUMBER: return PERSONAL_NUMBER;
            case PAGER: return PAGER;
            default: return UNKNOWN;
        }
    }
}
