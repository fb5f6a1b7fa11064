package dev.softswitch.gateway.admin;

/** Every operation of the admin API, on one router: accounts, the dial pad, and gateway operations. */
final class AdminRoutes {

    private AdminRoutes() {
    }

    static ApiRouter router(AdminBackend backend) {
        ApiRouter router = new ApiRouter();
        AccountRoutes accounts = new AccountRoutes(backend);
        accounts.addTo(router);
        new RateRoutes(backend, accounts).addTo(router);
        new OperationsRoutes(backend).addTo(router);
        return router;
    }
}
