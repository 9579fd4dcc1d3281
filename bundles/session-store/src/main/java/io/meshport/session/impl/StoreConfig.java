package io.meshport.session.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the session store. */
@ObjectClassDefinition(name = "Meshport session store")
public @interface StoreConfig {
    /** @return the heap the stored values and the data in flight may hold together; 0 for 60 % of the maximum heap */
    @AttributeDefinition(description = "Bytes of heap the stored values and the frames being received may hold together"
            + " (the host's memory account); 0 = 60 % of the maximum heap")
    long memoryBudgetBytes() default 0;

    /** @return where the session is kept */
    @AttributeDefinition(description = "Where the session is kept: 'file' (on disk, surviving restarts and crashes),"
            + " 'memory' (ends with the host), or the URI of a session several hosts share, e.g. redis://HOST:PORT/NAME"
            + " (served by the backend bundle of that scheme); empty for the framework property meshport.session, else 'file'")
    String session() default "";

    /** @return when a write is acknowledged */
    @AttributeDefinition(description = "'async': writes are acknowledged at once and reach the disk within about a"
            + " second (newest version of each key first); 'sync': a write is acknowledged once it is on the device."
            + " Empty for the framework property meshport.session.durability, else 'async'")
    String durability() default "";

    /** @return the folder of the session's file */
    @AttributeDefinition(description = "Folder of the session's file; empty for the host's data folder (meshport.data)/session")
    String directory() default "";
}
