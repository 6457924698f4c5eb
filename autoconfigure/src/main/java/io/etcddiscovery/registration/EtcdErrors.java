/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.registration;

import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;

/**
 * Describes etcd failures in one line for logs, without a stack trace.
 *
 * @author etcd-discovery authors
 */
public final class EtcdErrors {

	private EtcdErrors() {
	}

	/**
	 * Describe a failure in one line.
	 * @param failure the failure
	 * @return a one-line description
	 */
	public static String describe(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof EtcdException)) {
			cause = cause.getCause();
		}
		if (cause instanceof EtcdException etcd) {
			return etcd.getErrorCode() + ": " + firstLine(etcd.getMessage());
		}
		Status status = Status.fromThrowable(cause);
		if (status.getCode() != Status.Code.UNKNOWN) {
			return status.getCode() + ((status.getDescription() != null) ? ": " + status.getDescription() : "");
		}
		return cause.getClass().getSimpleName()
				+ ((cause.getMessage() != null) ? ": " + firstLine(cause.getMessage()) : "");
	}

	/**
	 * Return whether a failure means that a lease does not exist (any more).
	 * @param failure the failure
	 * @return whether the lease is gone
	 */
	public static boolean isLeaseNotFound(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof EtcdException etcd
					&& etcd.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.NOT_FOUND) {
				return true;
			}
			if (cause.getMessage() != null && cause.getMessage().contains("requested lease not found")) {
				return true;
			}
		}
		return false;
	}

	private static String firstLine(String message) {
		return (message != null) ? message.lines().findFirst().orElse("") : "";
	}

}
