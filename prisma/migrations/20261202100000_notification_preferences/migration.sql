-- CreateTable
CREATE TABLE "NotificationPreference" (
    "operatorId" TEXT NOT NULL PRIMARY KEY,
    "mine" BOOLEAN NOT NULL DEFAULT true,
    "waiting" BOOLEAN NOT NULL DEFAULT true,
    "sound" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL
);
