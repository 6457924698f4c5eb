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

package io.etcddiscovery.etcd;

import java.time.Duration;

/**
 * Writes durations the way users write them in {@code application.yml}, for log lines and
 * failure reports: {@code 2s}, {@code 1500ms}.
 *
 * @author etcd-discovery authors
 */
public final class Durations {

	private Durations() {
	}

	/**
	 * Format a duration as whole seconds when it is one, else as milliseconds.
	 * @param duration the duration
	 * @return for example {@code 10s} or {@code 250ms}
	 */
	public static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
